"""Webhook subscriptions (admins) and delivery (the worker), shaped like the email outbox.

`deliver` claims a delivery with a conditional UPDATE (two nudges cannot both send it; a
delivery left "sending" by a killed worker is claimable again after WEBHOOK_LOCK_SECONDS),
posts it signed, logs the attempt, and marks it delivered or due again after a backoff. The
periodic sweep re-nudges what is due: no retry waits on the broker.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.vocab import Role
from tacenter.webhooks import signing, targets
from tacenter.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

MAX_ATTEMPTS = 8


def _ensure_admin(actor: User) -> None:
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins manage webhooks.")


def subscribe(url: str, events: list[str], *, description: str = "", actor: User) -> WebhookSubscription:
    """An admin subscribes a URL to events; its target is checked now and at every delivery."""
    _ensure_admin(actor)
    url = (url or "").strip()
    if len(url) > 500:
        raise DomainError("Use a URL of up to 500 characters.")
    chosen = [e for e in dict.fromkeys(events) if e in {t.value for t in EventType}]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError("Choose one or more events from the list.")
    try:
        targets.check(url, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"])
    except targets.TargetRefused as refused:
        raise DomainError(str(refused)) from None
    subscription = WebhookSubscription(
        owner_id=actor.id,
        url=url,
        description=description.strip()[:200],
        secret=signing.new_secret(),
        events=" ".join(chosen),
    )
    db.session.add(subscription)
    db.session.flush()
    record_event(
        Action.WEBHOOK_CHANGED,
        actor=actor,
        object_type="webhook",
        object_ref=subscription.id,
        detail=f"subscribed: {' '.join(chosen)}",
    )
    db.session.commit()
    return subscription


def unsubscribe(subscription_id: int, *, actor: User) -> None:
    """Stop a subscription (its pending deliveries are skipped; the log stays)."""
    _ensure_admin(actor)
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound("There is no such webhook.")
    subscription.active = False
    record_event(
        Action.WEBHOOK_CHANGED,
        actor=actor,
        object_type="webhook",
        object_ref=subscription.id,
        detail="unsubscribed",
    )
    db.session.commit()


def replay(delivery_id: int, *, actor: User, now: datetime | None = None) -> WebhookDelivery:
    """Send a delivery again (same webhook-id: a receiver that has it already ignores it)."""
    _ensure_admin(actor)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("There is no such delivery.")
    delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING.value, now or utcnow()
    delivery.locked_until = None
    db.session.commit()
    return delivery


def _due():
    now = utcnow()
    return or_(
        (WebhookDelivery.status == DeliveryStatus.PENDING) & (WebhookDelivery.next_attempt_at <= now),
        (WebhookDelivery.status == DeliveryStatus.SENDING) & (WebhookDelivery.locked_until < now),
    )


def due_delivery_ids(*, limit: int = 500) -> list[int]:
    """Deliveries the broker never nudged, whose worker died, or whose retry came due."""
    return list(
        db.session.scalars(select(WebhookDelivery.id).where(_due()).order_by(WebhookDelivery.id).limit(limit))
    )


def _may_receive(delivery: WebhookDelivery) -> bool:
    subscription = delivery.subscription
    owner = subscription.owner
    if not (subscription.active and owner.active and owner.role_enum == Role.ADMIN):
        return False
    if delivery.ta_request_id is None:
        return True
    query = visible_requests(owner).where(TARequest.id == delivery.ta_request_id)
    return db.session.scalar(query.with_only_columns(TARequest.id)) is not None


def deliver(delivery_id: int) -> str:
    """Post one delivery if it is still due: delivered, skipped, retry or failed."""
    now = utcnow()
    lock = timedelta(seconds=current_app.config["WEBHOOK_LOCK_SECONDS"])
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, _due())
        .values(status=DeliveryStatus.SENDING, attempts=WebhookDelivery.attempts + 1, locked_until=now + lock)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return "skipped"
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if not _may_receive(delivery):
        delivery.status, delivery.locked_until = DeliveryStatus.SKIPPED.value, None
        db.session.commit()
        return "skipped"
    started, status_code, error = time.monotonic(), None, ""
    try:
        target = targets.check(
            delivery.subscription.url, allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]
        )
        headers = signing.headers(
            delivery.subscription.secret, delivery.message_id, int(time.time()), delivery.payload
        )
        status_code = targets.post(
            target, delivery.payload.encode(), headers, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
        )
    except (OSError, targets.TargetRefused, ValueError) as exc:  # refused, timed out, TLS, bad target
        error = f"{type(exc).__name__}: {exc}"[:500]
    attempt = WebhookAttempt(
        delivery_id=delivery.id,
        attempted_at=now,
        status_code=status_code,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    db.session.add(attempt)
    if status_code is not None and 200 <= status_code < 300:
        current_app.logger.info("webhook %s accepted (attempt %s)", delivery.message_id, delivery.attempts)
        delivery.status, delivery.delivered_at, delivery.locked_until = (
            DeliveryStatus.DELIVERED.value,
            utcnow(),
            None,
        )
        db.session.commit()
        return "delivered"
    failed = delivery.attempts >= MAX_ATTEMPTS
    backoff = current_app.config["WEBHOOK_BACKOFF_SECONDS"]
    delivery.status = (DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING).value
    delivery.next_attempt_at = now + timedelta(seconds=backoff[min(delivery.attempts, len(backoff)) - 1])
    delivery.locked_until = None
    delivery.last_error = error or f"HTTP {status_code}"
    db.session.commit()
    return "failed" if failed else "retry"
