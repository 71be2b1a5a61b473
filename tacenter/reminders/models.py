from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db


class ReminderSent(db.Model):
    """One reminder episode of one request. The unique key makes a second send impossible,
    even with two beats or overlapping sweeps: the loser's INSERT does nothing."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("ta_request_id", "kind", "episode"),
        Index("ix_reminder_sent_request_time", "ta_request_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # rules.Kind
    # What makes a new episode: the stage's start, the last activity, the needed-by date.
    episode: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        from tacenter.reminders.rules import LABELS

        return LABELS.get(self.kind, self.kind)


class DigestSent(db.Model):
    """One digest or summary to one user for one period (a date or an ISO week); unique."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # daily, weekly
    period: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
