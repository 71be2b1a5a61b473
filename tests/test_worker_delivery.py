"""The notification path through a real Celery worker on Redis to a real SMTP server."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tests.conftest import make_app
from tests.factories import RequesterFactory, TopicFactory

pytestmark = pytest.mark.worker


def _outbox_status() -> str:
    db.session.expire_all()
    return db.session.scalar(select(EmailOutbox.status))


def _submit_form(client, topic_id: int) -> dict:
    from tests.conftest import csrf_token

    return {
        "csrf_token": csrf_token(client, "/requests/new"),
        "submission_token": "tok-worker-1",
        "title": "Screening tools for toddlers",
        "description": "We want to choose a developmental screening tool for our clinics.",
        "topic_ids": [topic_id],
        "state": "NM",
        "tier": "targeted",
        "urgency": "routine",
        "preferred_mode": "virtual_meeting",
    }


def test_requester_gets_the_receipt_email_through_the_worker(client, auth, worker, smtp_sink):
    requester, topic = RequesterFactory(), TopicFactory()
    auth.login(requester)
    response = client.post("/requests/new", data=_submit_form(client, topic.id))
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    received = smtp_sink.wait_for(lambda m: reference in m["Subject"])
    assert len(received) == 1, worker.log.read_text()[-2000:]
    message = received[0]
    assert message["To"] == requester.email
    assert f"http://tacenter.test/requests/{reference}" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    # The sink has it a moment before the worker marks the row sent.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        db.session.expire_all()
        row = db.session.scalar(select(EmailOutbox))
        if row.status == "sent":
            break
        time.sleep(0.1)
    assert (row.status, row.attempts) == ("sent", 1)


def test_requests_saved_while_redis_is_down_are_emailed_once_redis_is_back(app, smtp_sink, tmp_path):
    """R6 (CI size): 20 requests submitted with the broker unreachable; all saved fast, all emailed once."""
    from tests.conftest import Auth, csrf_token
    from tests.figures import FIGURES

    dead_broker = make_app(broker_url="redis://127.0.0.1:1/0")
    latencies = []
    with dead_broker.app_context():
        requester, topic = RequesterFactory(), TopicFactory()
        client = dead_broker.test_client()
        Auth(client).login(requester)
        for i in range(20):
            form = {**_submit_form(client, topic.id), "submission_token": f"tok-down-{i}"}
            form["csrf_token"] = csrf_token(client, "/requests/new")
            started = time.monotonic()
            response = client.post("/requests/new", data=form)
            latencies.append(time.monotonic() - started)
            assert response.status_code == 302
        assert db.session.scalar(select(func.count()).where(EmailOutbox.status == "pending")) == 20
    assert max(latencies) < 2.0
    # The worker comes up later on the real Redis; its sweep finds the rows.
    from tests.conftest import DATABASE_URL
    from tests.services import WorkerProcess, flush_redis

    flush_redis()
    started = time.monotonic()
    process = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "worker").start()
    try:
        smtp_sink.wait_for(lambda m: len(smtp_sink.messages) >= 20, timeout=60)
        recovery = time.monotonic() - started
        time.sleep(2)  # a few more sweeps: nothing may be sent twice
    finally:
        process.stop()
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    delivered, duplicated = len(set(ids)), len(ids) - len(set(ids))
    line = (
        f"R6 Redis down at intake: expected 20, delivered {delivered}, duplicated {duplicated},"
        f" max intake latency {max(latencies):.2f} s, all delivered {recovery:.1f} s after the worker started"
    )
    FIGURES.append(line)
    print(line)
    assert len(set(ids)) == 20 and len(ids) == 20, process.log.read_text()[-2000:]


def test_smtp_refusing_is_retried_until_it_accepts(client, auth, worker, smtp_sink):
    smtp_sink.refusing = True
    auth.login(RequesterFactory())
    client.post("/requests/new", data=_submit_form(client, TopicFactory().id))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        db.session.expire_all()
        row = db.session.scalar(select(EmailOutbox))
        if row.attempts >= 1 and row.status == "pending":
            break
        time.sleep(0.2)
    assert row.last_error.startswith("SMTP")
    # Make the retry due now rather than after the backoff, then let it through.
    row.next_attempt_at = row.created_at
    db.session.commit()
    smtp_sink.refusing = False
    assert smtp_sink.wait_for(lambda m: "We received" in m["Subject"])
    # The worker marks the row sent just after the server accepts the message.
    deadline = time.monotonic() + 10
    while (status := _outbox_status()) != "sent" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == "sent"


def test_the_worker_runs_on_the_embedded_filesystem_transport_too(client, auth, smtp_sink, tmp_path):
    """`make run`'s worker: no Redis, kombu's filesystem transport, beat embedded."""
    from tests.conftest import DATABASE_URL
    from tests.services import WorkerProcess

    auth.login(RequesterFactory())
    client.post("/requests/new", data=_submit_form(client, TopicFactory().id))
    process = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "embedded", extra_env={"REDIS_URL": ""}, concurrency=1
    )
    process.start()
    try:
        received = smtp_sink.wait_for(lambda m: "We received" in m["Subject"], timeout=30)
    finally:
        process.stop()
    assert "filesystem" in process.log.read_text()
    assert len(received) == 1
