from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db

ta_activity_topic = Table(
    "ta_activity_topic",
    db.Model.metadata,
    Column("ta_activity_id", ForeignKey("ta_activity.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True, index=True),
)


class TAActivity(TimestampMixin, db.Model):
    """One piece of delivered help: what funders count (hours by tier, mode, topic, state)."""

    __tablename__ = "ta_activity"
    __table_args__ = (
        Index("ix_ta_activity_request", "ta_request_id", "activity_date"),
        Index("ix_ta_activity_date", "activity_date"),
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_range"),
        CheckConstraint("participant_count >= 0", name="participants_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    activity_date: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # in 0.25 steps
    mode: Mapped[str] = mapped_column(String(32))  # vocab.DeliveryMode
    participant_count: Mapped[int] = mapped_column(default=0)
    participant_roles: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Deleted activities are kept (and leave the totals) so the history can show them.
    deleted_at: Mapped[datetime | None]

    topics: Mapped[list[Topic]] = relationship(secondary=ta_activity_topic, lazy="selectin")
    staff: Mapped[User | None] = relationship(lazy="joined")


class SurveyResponse(db.Model):
    """The requester's satisfaction survey after closing: answered once per request."""

    __tablename__ = "survey_response"
    __table_args__ = (
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_1_to_5"),
        CheckConstraint("timeliness BETWEEN 1 AND 5", name="timeliness_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"), unique=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    usefulness: Mapped[int]
    timeliness: Mapped[int]
    goal_met: Mapped[str] = mapped_column(String(8))  # vocab.GoalMet
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
