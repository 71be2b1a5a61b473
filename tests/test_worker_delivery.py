"""The notification path through a real Celery worker on Redis to a real SMTP server."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tests.conftest import make_app
from tests.factories import RequesterFactory, TopicFactory

pytestmark = pytest.mark.worker


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


def test_a_request_saved_while_redis_is_down_is_emailed_once_redis_is_back(app, smtp_sink, tmp_path):
    dead_broker = make_app(broker_url="redis://127.0.0.1:1/0")
    with dead_broker.app_context():
        requester, topic = RequesterFactory(), TopicFactory()
        client = dead_broker.test_client()
        from tests.conftest import Auth

        Auth(client).login(requester)
        started = time.monotonic()
        response = client.post("/requests/new", data=_submit_form(client, topic.id))
        elapsed = time.monotonic() - started
        assert response.status_code == 302 and elapsed < 2.0
        assert db.session.scalar(select(EmailOutbox.status)) == "pending"
    # The worker comes up later on the real Redis; its sweep finds the row.
    from tests.conftest import DATABASE_URL
    from tests.services import WorkerProcess, flush_redis

    flush_redis()
    process = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "worker").start()
    try:
        received = smtp_sink.wait_for(lambda m: "We received" in m["Subject"])
        time.sleep(2)  # a few more sweeps: nothing may be sent twice
        assert len(smtp_sink.messages) == 1, process.log.read_text()[-2000:]
    finally:
        process.stop()
    assert received


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
    db.session.expire_all()
    assert db.session.scalar(select(EmailOutbox.status)) == "sent"
