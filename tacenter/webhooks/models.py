"""Webhook subscriptions, their outbox of deliveries, and each delivery attempt."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db


class EventType(enum.StrEnum):
    """What a subscriber may ask for."""

    REQUEST_SUBMITTED = "request.submitted"
    REQUEST_STAGE_CHANGED = "request.stage_changed"
    REQUEST_ASSIGNED = "request.assigned"
    REQUEST_CLOSED = "request.closed"
    SURVEY_ANSWERED = "survey.answered"
    EVENT_DELIVERED = "event.delivered"  # a group TA event (tacenter/group_ta) took place


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry; an admin may replay it
    SKIPPED = "skipped"  # the owner may no longer see it, or the subscription was removed


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Standard Webhooks: "whsec_" + base64 of the key; shown to the admin on the subscription page.
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(String(300))  # space-separated EventType values
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship(lazy="joined")

    @property
    def event_list(self) -> list[str]:
        return self.events.split()


class WebhookDelivery(db.Model):
    """One event for one subscription: written in the transaction of the change it reports."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(String(40), unique=True)  # webhook-id: the receiver dedupes on it
    event_type: Mapped[str] = mapped_column(String(40))
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="SET NULL"))
    payload: Mapped[str] = mapped_column(Text)  # the JSON body, fixed at the event
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    subscription: Mapped[WebhookSubscription] = relationship(lazy="joined")


class WebhookAttempt(db.Model):
    """Each try at a delivery: when, what the receiver answered, or why it failed."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(500), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)
