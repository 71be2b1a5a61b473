"""The domain's events, written to the webhook outbox in the transaction of the change.

Services call `emit` at the points where they already tell people (submission, `_move`,
assignment, the survey): if the change rolls back, so does the delivery; if it commits, the
delivery is there for the worker, whatever happens to the broker.

What a subscriber receives: a minimal payload — the event, the request's reference, stage,
assignee and organization ids and the API URL to read the rest. No title, description, note
or answer text travels: the receiver reads those through the API with a token, where the
visibility rule applies at that moment. Subscribers are admins (who see every request); the
worker also checks at delivery that the owner is still an active admin who may see the request,
and skips the delivery otherwise, so a demoted or deactivated owner receives nothing more.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select

from tacenter.accounts.models import User
from tacenter.catalog.cache import cached
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.jobs import after_commit_post
from tacenter.vocab import Role
from tacenter.webhooks.models import EventType, WebhookDelivery, WebhookSubscription


def payload(event_type: str, ta_request, *, now: datetime, extra: dict | None = None) -> dict:
    base = current_app.config["BASE_URL"].rstrip("/")
    return {
        "type": event_type,
        "timestamp": now.isoformat(),
        "data": {
            "reference": ta_request.reference,
            "stage": ta_request.stage,
            "assignee_id": ta_request.assignee_id,
            "organization_id": ta_request.organization_id,
            "url": f"{base}/api/v1/requests/{ta_request.reference}",
            **(extra or {}),
        },
    }


def subscribers(event_type: str) -> list[int]:
    """The ids of the active subscriptions of active admins to `event_type`, from this process's
    copy (tacenter/catalog/cache.py: a subscription's edit, or its owner's change of role or active
    flag, renews the copy's token in the same transaction)."""
    return [i for i, events in cached("webhook_subscriptions", _subscriptions) if event_type in events]


def _subscriptions() -> tuple[tuple[int, frozenset[str]], ...]:
    rows = db.session.execute(
        select(WebhookSubscription.id, WebhookSubscription.events)
        .join(User, User.id == WebhookSubscription.owner_id)
        .where(WebhookSubscription.active, User.active, User.role == Role.ADMIN.value)
        .order_by(WebhookSubscription.id)
    )
    return tuple((i, frozenset(events.split())) for i, events in rows)


def emit(event_type: EventType, ta_request, *, now: datetime | None = None, extra: dict | None = None) -> int:
    """Add one delivery per subscription to `event_type` to the caller's transaction (not committed)."""
    now = now or utcnow()
    return _add(event_type, lambda: payload(event_type.value, ta_request, now=now, extra=extra),
                ta_request_id=ta_request.id, now=now)  # fmt: skip


def group_event_payload(event_type: str, event, *, now: datetime) -> dict:
    """A group TA event: its id, type, tier, date, status and how many organizations attended.
    No title, description or attendee names: read those through the API."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return {
        "type": event_type,
        "timestamp": now.isoformat(),
        "data": {
            "event_id": event.id,
            "event_type": event.event_type,
            "tier": event.tier,
            "status": event.status,
            "event_date": event.event_date.isoformat(),
            "collaborative_id": event.collaborative_id,
            "url": f"{base}/api/v1/events/{event.id}",
        },
    }


def emit_for_event(event_type: EventType, event, *, now: datetime | None = None) -> int:
    """`emit` for a group TA event (no request): subscribers are active admins, who see every
    event (group_ta.permissions.visible_events); the worker re-checks the owner at delivery."""
    now = now or utcnow()
    return _add(event_type, lambda: group_event_payload(event_type.value, event, now=now),
                ta_request_id=None, now=now)  # fmt: skip


def _add(event_type: EventType, make_payload, *, ta_request_id: int | None, now: datetime) -> int:
    with db.session.no_autoflush:  # the caller's pending writes flush at its commit, not here
        subscriptions = subscribers(event_type.value)
    if not subscriptions:
        return 0
    body = json.dumps(make_payload(), sort_keys=True)
    # One Core INSERT for all the subscriptions, in the caller's transaction; the new ids go to
    # jobs.py to nudge the worker after commit (ORM rows are collected after flush instead).
    rows = [
        {"subscription_id": s, "message_id": f"msg_{uuid.uuid4().hex}", "event_type": event_type.value,
         "ta_request_id": ta_request_id, "payload": body, "next_attempt_at": now, "created_at": now}
        for s in subscriptions
    ]  # fmt: skip
    after_commit_post(db.session, list(db.session.connection().execute(_DELIVERIES, rows).scalars()))
    return len(subscriptions)


_DELIVERIES = insert(WebhookDelivery.__table__).returning(WebhookDelivery.__table__.c.id)  # built once
