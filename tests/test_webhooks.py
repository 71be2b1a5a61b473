"""Webhooks: written in the change's transaction, signed per Standard Webhooks, minimal payloads,
never to private addresses in production, never to an owner who may no longer see."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from tacenter.extensions import db
from tacenter.webhooks import services, signing, targets
from tacenter.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit
from tests.webhook_receiver import Receiver

ALL_EVENTS = [
    "request.submitted",
    "request.stage_changed",
    "request.assigned",
    "request.closed",
    "survey.answered",
]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_signature_verifies_with_the_standard_webhooks_library():
    secret = signing.new_secret()
    body = json.dumps({"type": "request.submitted"})
    headers = signing.headers(secret, "msg_1", 1_700_000_000, body)
    import time

    headers["webhook-timestamp"] = str(int(time.time()))
    headers["webhook-signature"] = signing.sign(secret, "msg_1", int(headers["webhook-timestamp"]), body)
    assert Webhook(secret).verify(body, headers) == {"type": "request.submitted"}
    with pytest.raises(Exception):
        Webhook(signing.new_secret()).verify(body, headers)


def test_a_delivery_is_written_with_the_change_and_carries_no_request_text(app):
    admin = UserFactory(role="admin")
    services.subscribe("http://127.0.0.1:9/hook", ALL_EVENTS, actor=admin)
    ta_request = submit(RequesterFactory(), TopicFactory(), title="Secret title", description="Private words")
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.event_type == "request.submitted" and delivery.ta_request_id == ta_request.id
    data = json.loads(delivery.payload)["data"]
    assert data["reference"] == ta_request.reference and data["url"].endswith(
        f"/api/v1/requests/{ta_request.reference}"
    )
    assert "Secret title" not in delivery.payload and "Private words" not in delivery.payload


def test_a_change_that_rolls_back_leaves_no_delivery(app):
    from tacenter.errors import DomainError

    admin, lead = UserFactory(role="admin"), UserFactory(role="lead")
    services.subscribe("http://127.0.0.1:9/hook", ALL_EVENTS, actor=admin)
    ta_request = submit(RequesterFactory(), TopicFactory())
    before = _count(WebhookDelivery)
    from tacenter.workflow.assignment import assign_request

    with pytest.raises(DomainError):
        assign_request(ta_request.reference, admin.id, actor=lead)  # an admin cannot be assigned
    db.session.rollback()
    assert _count(WebhookDelivery) == before


def test_private_targets_are_refused_when_not_allowed(app, monkeypatch):
    from tacenter.errors import DomainError

    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    admin = UserFactory(role="admin")
    for url in (
        "http://127.0.0.1/x",
        "http://localhost:8080/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "http://[::ffff:127.0.0.1]/x",
        "ftp://example.org/x",
    ):
        with pytest.raises(DomainError):
            services.subscribe(url, ["request.submitted"], actor=admin)
    with pytest.raises(targets.TargetRefused):
        targets.check("http://127.0.0.1:1/x", allow_private=False)
    # A subscription made while allowed is refused again at delivery time, and the try is logged.
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    services.subscribe("http://127.0.0.1:9/hook", ["request.submitted"], actor=admin)
    submit(RequesterFactory(), TopicFactory())
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    delivery_id = db.session.scalar(select(WebhookDelivery.id))
    assert services.deliver(delivery_id) == "retry"
    assert "private" in db.session.scalar(select(WebhookAttempt.error))


def test_only_admins_subscribe_and_a_demoted_owner_receives_nothing(app):
    from tacenter.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.subscribe("http://127.0.0.1:9/hook", ALL_EVENTS, actor=UserFactory(role="lead"))
    admin = UserFactory(role="admin")
    receiver = Receiver().start()
    try:
        services.subscribe(receiver.url, ALL_EVENTS, actor=admin)
        submit(RequesterFactory(), TopicFactory())
        admin.role = "staff"
        db.session.commit()
        delivery_id = db.session.scalar(select(WebhookDelivery.id))
        assert services.deliver(delivery_id) == "skipped"
        assert receiver.received == []
    finally:
        receiver.stop()


def test_delivery_retries_with_backoff_then_an_admin_replays_it(app):
    admin = UserFactory(role="admin")
    receiver = Receiver()
    services.subscribe(receiver.url, ["request.submitted"], actor=admin)
    submit(RequesterFactory(), TopicFactory())
    delivery = db.session.scalar(select(WebhookDelivery))
    assert services.deliver(delivery.id) == "retry"  # nobody listening
    db.session.refresh(delivery)
    assert delivery.status == "pending" and delivery.next_attempt_at > delivery.created_at
    assert services.deliver(delivery.id) == "skipped"  # not due yet: no second try
    receiver.start()
    try:
        services.replay(delivery.id, actor=admin)
        assert services.deliver(delivery.id) == "delivered"
        headers, body = receiver.received[0]
        secret = delivery.subscription.secret
        assert Webhook(secret).verify(body, headers)["type"] == "request.submitted"
        assert headers["webhook-id"] == delivery.message_id
        assert [
            a.status_code for a in db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))
        ] == [None, 204]
    finally:
        receiver.stop()


def test_every_domain_event_reaches_its_subscribers(app):
    from tacenter.delivery.services import answer_survey
    from tacenter.workflow.assignment import assign_request
    from tacenter.workflow.services import change_stage, close_request

    admin, lead, staff = UserFactory(role="admin"), UserFactory(role="lead"), UserFactory(role="staff")
    services.subscribe("http://127.0.0.1:9/hook", ALL_EVENTS, actor=admin)
    requester = RequesterFactory()
    ref = submit(requester, TopicFactory()).reference
    assign_request(ref, staff.id, actor=lead)
    change_stage(ref, "in_progress", actor=staff)
    change_stage(ref, "delivered", actor=staff)
    close_request(ref, goal_met="yes", outcome_summary="Done", actor=staff)
    answers = {"quality": 5, "relevance": 4, "usefulness": 5, "timeliness": 4, "satisfaction": 5}
    _, refused = answer_survey(ref, {**answers, "intent_to_use": True, "goal_met": "yes"}, actor=requester)
    assert refused == {}
    kinds = list(db.session.scalars(select(WebhookDelivery.event_type).order_by(WebhookDelivery.id)))
    assert set(kinds) == set(ALL_EVENTS)
    assert kinds.count("request.stage_changed") == 4  # assigned, in progress, delivered, closed
