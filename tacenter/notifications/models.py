from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.i18n import gettext as _


class Notification(db.Model):
    """Something a user should know about, shown in the app."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_user_digest", "user_id", "digest_pending"),
        # The request page's "who was told" reads a request's notifications and their emails.
        Index("ix_notification_request", "ta_request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Waiting for the user's daily digest (their preference is "daily digest").
    digest_pending: Mapped[bool] = mapped_column(default=False)

    ta_request = relationship("TARequest", lazy="joined")


class EmailMode(enum.StrEnum):
    IMMEDIATELY = "immediately"
    DAILY_DIGEST = "daily_digest"
    IN_APP_ONLY = "in_app_only"

    @property
    def label(self) -> str:
        return {
            "immediately": _("Email me each one as it happens"),
            "daily_digest": _("Email me one daily digest"),
            "in_app_only": _("Only show them in the app"),
        }[self.value]


class NotificationPreference(db.Model):
    """How a user wants their notifications by email; no row means immediately."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(16), default=EmailMode.IMMEDIATELY.value)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class EmailOutbox(db.Model):
    """An email to send, written in the same transaction as its cause.

    The row's status is the truth; a worker only acts on rows it can claim.
    """

    __tablename__ = "email_outbox"
    __table_args__ = (
        Index("ix_email_outbox_due", "status", "next_attempt_at"),
        Index("ix_email_outbox_notification", "notification_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="SET NULL"))
    # The request this email is about and the person it goes to: its Reply-To lets their answer
    # by email land on that request (tacenter/mailin).
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="SET NULL"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Queued without its bodies: the worker renders them from the recipient, the request and
    # the notice when it sends (tacenter/notifications/rendering.py), in `locale`.
    render_at_delivery: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(10))

    notification = relationship(Notification)

    @property
    def message_id(self) -> str:
        # Stable per row, so a resend after a crash can be recognised by the receiver.
        return f"<outbox-{self.id}@tacenter.local>"
