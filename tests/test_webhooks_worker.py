"""Webhooks through a real Celery worker to a real HTTP receiver: the receiver down for a while,
the worker killed (kill -9) mid-delivery and restarted; every event arrives, once per webhook-id,
signed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from tacenter.extensions import db
from tacenter.webhooks import services
from tacenter.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.conftest import DATABASE_URL
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit
from tests.services import WorkerProcess, flush_redis
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.worker

ENV = {"WEBHOOK_LOCK_SECONDS": "4", "WEBHOOK_BACKOFF_SECONDS": "1", "WEBHOOK_TIMEOUT_SECONDS": "3"}


def _statuses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery.status).order_by(WebhookDelivery.id)))


def test_every_event_is_delivered_once_despite_a_down_receiver_and_a_killed_worker(app, smtp_sink, tmp_path):
    flush_redis()
    admin = UserFactory(role="admin")
    receiver = Receiver()  # not listening yet: the receiver is down
    subscription = services.subscribe(receiver.url, ["request.submitted"], actor=admin)
    secret = subscription.secret
    worker = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "w1", extra_env=ENV).start()
    try:
        requester, topic = RequesterFactory(), TopicFactory()
        for i in range(6):
            submit(requester, topic, title=f"Webhook request {i}")
        # The worker tries, is refused, and retries on the sweep.
        assert receiver.wait_for(
            lambda: (
                db.session.scalar(select(WebhookAttempt.id).where(WebhookAttempt.error != "")) is not None
                or db.session.expire_all()
            )
        ), worker.log.read_text()[-3000:]
        receiver.delay = 2.0  # slow: deliveries are in flight when the worker dies
        receiver.start()
        assert receiver.wait_for(lambda: receiver.in_flight > 0, timeout=30), worker.log.read_text()[-3000:]
        in_flight = receiver.in_flight
        worker.kill()
        receiver.delay = 0.0
        worker = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "w2", extra_env=ENV).start()
        assert receiver.wait_for(lambda: _statuses() == ["delivered"] * 6, timeout=90), (
            _statuses(),
            worker.log.read_text()[-3000:],
        )
    finally:
        worker.stop()
        receiver.stop()
    expected = set(db.session.scalars(select(WebhookDelivery.message_id)))
    received = receiver.ids()
    assert set(received) == expected  # every event arrived
    # At-least-once on the wire, once per webhook-id for a receiver that dedupes (as the spec asks):
    # a second copy only of the deliveries cut off by the kill.
    assert len(received) - len(expected) <= in_flight
    for headers, body in receiver.received:
        assert Webhook(secret).verify(body, headers)["type"] == "request.submitted"
    attempts = list(db.session.scalars(select(WebhookAttempt)))
    assert any(a.error for a in attempts) and sum(a.status_code == 204 for a in attempts) == 6
    print(f"\nwebhooks: 6 events, {len(received)} posts received ({in_flight} in flight at the kill), "
          f"{len(attempts)} attempts logged")  # fmt: skip
