"""Replies fetched from a real IMAP server (Dovecot over IMAPS on loopback), and the faults: a
worker killed mid-fetch, two workers fetching at once, the same message delivered twice, the IMAP
server down for a while. Every reply must land exactly once; the figures are printed at the end."""

from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import func, select, update

from tacenter.conversation.models import Message
from tacenter.extensions import db
from tacenter.mailin import tokens
from tacenter.mailin.fetch import fetch_mail
from tacenter.mailin.models import InboundMessage
from tacenter.mailin.services import receive_mail
from tacenter.notifications.models import EmailOutbox
from tests import mail_samples as samples
from tests.conftest import DATABASE_URL, config_for_tests
from tests.figures import FIGURES
from tests.imap import DovecotServer
from tests.services import WorkerProcess, flush_redis
from tests.test_mailin import replies, waiting_request

DONE = "tacenter-processed"


@pytest.fixture
def dovecot():
    server = DovecotServer().start()
    yield server
    server.remove()


@pytest.fixture
def imap_config(app, dovecot):
    settings = {**dovecot.settings(), "MAIL_IN_IMAP_PORT": dovecot.ssl_port}
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield dovecot
    app.config.update(saved)


def test_replies_fetched_over_imaps_land_on_their_requests_once(db_session, imap_config):
    dovecot = imap_config
    (gmail, maria, _, _), (outlook, john, _, _), (apple, ana, _, _) = (waiting_request() for _ in range(3))
    first = samples.gmail_reply(sender=maria.email, to=tokens.reply_address(gmail.id, maria.id))
    dovecot.deliver(
        first,
        samples.outlook_reply(sender=john.email, to=tokens.reply_address(outlook.id, john.id)),
        samples.apple_reply(sender=ana.email, to=tokens.reply_address(apple.id, ana.id)),
        first,  # delivered twice
        samples.out_of_office(sender=john.email, to=tokens.reply_address(outlook.id, john.id)),
    )
    counts = fetch_mail()
    assert counts == {"placed": 4, "ignored": 1}
    assert replies(gmail)[-1].body == "Yes: we serve 40 families in two counties."
    assert replies(outlook)[-1].body.startswith("We\u2019ll send the agenda")
    assert replies(apple)[-1].body.startswith("Sí, gracias.")
    assert [len(replies(r)) for r in (gmail, outlook, apple)] == [2, 2, 2]  # the question and one answer
    for ta_request in (gmail, outlook, apple):
        db.session.refresh(ta_request)
        assert ta_request.stage == "in_progress"
    assert (dovecot.count("INBOX"), dovecot.count(DONE)) == (0, 5)
    assert fetch_mail() == {}  # nothing left, nothing placed again


def test_imap_server_down_fetch_reports_it_and_places_nothing(db_session, imap_config):
    imap_config.stop()
    assert fetch_mail() == {"unreachable": 1}


def _worker(dovecot, smtp_sink, path, **extra) -> WorkerProcess:
    env = {
        **{k: str(v) for k, v in dovecot.settings().items()},
        "SECRET_KEY": config_for_tests()["SECRET_KEY"],
        "MAIL_IN_POLL_SECONDS": "1",
        "MAIL_IN_BATCH": "2",
        "MAIL_IN_SENDER_LIMIT_PER_HOUR": "1000",
        **extra,
    }
    return WorkerProcess(DATABASE_URL, smtp_sink.port, path, extra_env=env, concurrency=1)


def _answers(n: int) -> list[tuple]:
    """n requests waiting on their requesters, and each requester's emailed answer."""
    found = []
    for i in range(n):
        ta_request, requester, _, _ = waiting_request()
        text = f"Answer number {i}: we serve {i + 10} families."
        raw = samples.gmail_reply(
            sender=requester.email, to=tokens.reply_address(ta_request.id, requester.id), answer=text
        )
        found.append((ta_request, text, raw))
    # The setup's own emails count as sent: the workers' time goes to the mail coming in.
    db.session.execute(update(EmailOutbox).values(status="sent"))
    db.session.commit()
    return found


def _placed() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(InboundMessage).where(InboundMessage.status == "placed")
    )


def _landed(answers) -> tuple[int, int]:
    """(answers on their request's timeline, extra copies of any)."""
    db.session.expire_all()
    landed = duplicated = 0
    for ta_request, text, _ in answers:
        copies = db.session.scalar(
            select(func.count()).where(Message.ta_request_id == ta_request.id, Message.body == text)
        )
        landed += copies > 0
        duplicated += max(0, copies - 1)
    return landed, duplicated


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _report(name: str, expected: int, landed: int, duplicated: int, **extra) -> None:
    details = "".join(f", {k} {v}" for k, v in extra.items())
    line = f"{name}: expected {expected}, landed {landed}, duplicated {duplicated}{details}"
    FIGURES.append(line)
    print(line)


@pytest.mark.worker
def test_workers_killed_mid_fetch_and_mail_delivered_twice_land_every_reply_once(
    db_session, dovecot, smtp_sink, tmp_path
):
    answers = _answers(40)
    dovecot.deliver(*[raw for _, _, raw in answers])
    dovecot.deliver(*[raw for _, _, raw in answers[:6]])  # the same messages delivered twice
    flush_redis()
    # One worker is killed -9 again and again while it places mail, and restarted; from the first
    # kill on, a second worker with its own beat fetches the same inbox at the same time.
    victim = _worker(dovecot, smtp_sink, tmp_path / "victim").start()
    steady = None
    kills = 0
    try:
        while kills < 4 and _placed() < len(answers):
            before = _placed()
            if not _wait(lambda: _placed() > before, 30):
                break
            os.killpg(victim.process.pid, signal.SIGKILL)  # mid-batch: it was placing mail
            victim.process.wait()
            kills += 1
            steady = steady or _worker(dovecot, smtp_sink, tmp_path / "steady").start()
            victim = _worker(dovecot, smtp_sink, tmp_path / f"victim{kills}").start()
        assert _wait(lambda: _placed() == len(answers) and dovecot.count("INBOX") == 0, 120), (
            victim.log.read_text()[-3000:]
        )
        time.sleep(3)  # a few more polls: nothing may land twice
    finally:
        victim.stop()
        if steady:
            steady.stop()
    landed, duplicated = _landed(answers)
    moved = dovecot.message_ids(DONE)
    logs = "".join(p.read_text() for p in tmp_path.glob("*/worker.log"))
    seen_again = logs.count("was already received")  # the 6 copies, and mail a dead worker left behind
    _report(
        "mail-in: worker kill -9 mid-fetch, two workers, 6 delivered twice",
        len(answers),
        landed,
        duplicated,
        kills=kills,
        messages_in_mailbox=len(answers) + 6,
        fetched_again=seen_again,
        copies_in_processed_folder=len(moved),
    )
    assert (landed, duplicated) == (len(answers), 0)
    # A worker killed inside a MOVE (copied, not yet expunged) leaves a second copy in the processed
    # folder: harmless, since the reply is placed once. Every message is there, none is in the inbox.
    assert len(set(moved)) == len(answers) and len(moved) >= len(answers) + 6


@pytest.mark.worker
def test_imap_down_for_a_while_loses_no_reply(db_session, dovecot, smtp_sink, tmp_path):
    answers = _answers(10)
    dovecot.count("INBOX")  # the inbox exists on disk
    flush_redis()
    worker = _worker(dovecot, smtp_sink, tmp_path / "w").start()
    try:
        dovecot.stop()
        down_at = time.monotonic()
        dovecot.deliver_on_disk(*[raw for _, _, raw in answers])  # the mail system keeps delivering
        assert _wait(lambda: worker.log.read_text().count("incoming mail not fetched") >= 3, 30)
        down = time.monotonic() - down_at
        dovecot.start()
        up_at = time.monotonic()
        assert _wait(lambda: _placed() == len(answers), 60), worker.log.read_text()[-3000:]
        recovery = time.monotonic() - up_at
        time.sleep(2)
    finally:
        worker.stop()
    landed, duplicated = _landed(answers)
    _report(
        "mail-in: IMAP down",
        len(answers),
        landed,
        duplicated,
        down_seconds=round(down, 1),
        recovered_in_seconds=round(recovery, 1),
    )
    assert (landed, duplicated) == (len(answers), 0)


def test_oauth2_login_fetches_replies_with_a_token_from_the_providers_endpoint(db_session, app):
    """XOAUTH2 as for Microsoft 365 or Google: a refresh token is exchanged for an access token,
    and the IMAP server (Dovecot's oauth2 passdb) accepts only a token the provider issued."""
    from tests.imap import USER
    from tests.oauth2 import OAuth2Server

    with OAuth2Server(
        client_id="tacenter", client_secret="s3cret", refresh_token="r-1", username=USER
    ) as idp:
        server = DovecotServer(oauth2_introspection_url=f"{idp.url}/introspect").start()
        settings = {
            **server.settings(),
            "MAIL_IN_IMAP_PORT": server.ssl_port,
            "MAIL_IN_IMAP_PASSWORD": "",
            "MAIL_IN_AUTH": "oauth2",
            "MAIL_IN_OAUTH2_TOKEN_URL": f"{idp.url}/token",
            "MAIL_IN_OAUTH2_CLIENT_ID": "tacenter",
            "MAIL_IN_OAUTH2_CLIENT_SECRET": "s3cret",
            "MAIL_IN_OAUTH2_REFRESH_TOKEN": "r-1",
            "MAIL_IN_OAUTH2_SCOPE": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
        }
        saved = {key: app.config[key] for key in settings}
        app.config.update(settings)
        try:
            ta_request, requester, _, _ = waiting_request()
            server.deliver(
                samples.gmail_reply(
                    sender=requester.email, to=tokens.reply_address(ta_request.id, requester.id)
                )
            )
            assert fetch_mail() == {"placed": 1}, server.log()
            app.config["MAIL_IN_OAUTH2_REFRESH_TOKEN"] = "revoked"
            assert fetch_mail() == {"unreachable": 1}  # no token, no mail: logged, tried again later
        finally:
            app.config.update(saved)
            server.remove()
    assert replies(ta_request)[-1].body == "Yes: we serve 40 families in two counties."
    assert idp.token_requests[0]["grant_type"] == "refresh_token"
    assert idp.token_requests[0]["scope"].startswith("https://outlook.office.com/")


def test_a_reply_placed_by_a_worker_that_died_before_moving_it_is_not_placed_again(db_session, imap_config):
    """The window a kill -9 rarely hits: the reply committed, the message still in the inbox."""
    dovecot = imap_config
    ta_request, requester, _, _ = waiting_request()
    raw = samples.gmail_reply(sender=requester.email, to=tokens.reply_address(ta_request.id, requester.id))
    dovecot.deliver(raw)
    with dovecot.mailbox() as box:  # what the dead worker had read and placed
        (uid,) = box.uids("ALL")
        receive_mail(box.client.uid("FETCH", uid, "(BODY.PEEK[])")[1][0][1])
    assert fetch_mail() == {"placed": 1}  # found by its Message-ID, only moved
    assert len(replies(ta_request)) == 2  # the question and one answer
    assert (dovecot.count("INBOX"), dovecot.count(DONE)) == (0, 1)
