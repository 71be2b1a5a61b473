from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db
from tacenter.i18n import gettext
from tacenter.vocab import PlanStatus

PLAN_ACTIONS = ("goal_added", "step_added", "step_status")
PLAN_STATUSES = frozenset(s.value for s in PlanStatus)

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
        # Covers the reports' sums by date (hours per staff member, per mode): the index
        # alone answers them, with no visit to the table's rows.
        Index("ix_ta_activity_date_figures", "activity_date", "staff_id", "mode", "hours", "deleted_at"),
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
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # tacenter.records
    # Deleted activities are kept (and leave the totals) so the history can show them.
    deleted_at: Mapped[datetime | None]

    topics: Mapped[list[Topic]] = relationship(secondary=ta_activity_topic, lazy="selectin")
    staff: Mapped[User | None] = relationship(lazy="joined")


class ActivityHistory(db.Model):
    """An audit row for each change to a TA activity: logged, edited (what changed), deleted."""

    __tablename__ = "ta_activity_history"
    __table_args__ = (Index("ix_ta_activity_history_request", "ta_request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_activity_id: Mapped[int] = mapped_column(ForeignKey("ta_activity.id", ondelete="CASCADE"), index=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(16))  # logged, edited, deleted
    changes: Mapped[str] = mapped_column(Text, default="")  # "hours: 1.00 → 1.50; …"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
    activity: Mapped[TAActivity] = relationship(lazy="joined")


class PlanGoal(TimestampMixin, db.Model):
    """A goal of an intensive request's TA plan, shared with the requester."""

    __tablename__ = "ta_plan_goal"
    __table_args__ = (Index("ix_ta_plan_goal_request", "ta_request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)


class PlanStep(TimestampMixin, db.Model):
    """A planned activity in a TA plan: what, by when, and where it stands."""

    __tablename__ = "ta_plan_step"
    __table_args__ = (Index("ix_ta_plan_step_request", "ta_request_id", "target_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("ta_plan_goal.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="planned")  # PlanStatus

    @property
    def status_label(self) -> str:
        from tacenter.vocab import PlanStatus

        return PlanStatus(self.status).label if self.status in set(PlanStatus) else self.status

    goal: Mapped[PlanGoal | None] = relationship(lazy="joined")


class PlanChange(db.Model):
    """One change to a TA plan (a goal or planned activity added, a status changed), for the timeline.

    Kept as data (`action` is one of PLAN_ACTIONS, `detail` the goal's or activity's words, `status`
    the new status's code) and put into a sentence when shown, in the reader's language.
    """

    __tablename__ = "plan_change"
    __table_args__ = (Index("ix_plan_change_request_time", "ta_request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def sentence(self) -> str:
        """The change as the reader reads it, in their language."""
        who = self.actor.name if self.actor else gettext("Someone")
        if self.action == "goal_added":
            return gettext("%(who)s added the goal “%(goal)s” to the TA plan", who=who, goal=self.detail)
        if self.action == "step_added":
            return gettext("%(who)s planned “%(activity)s” in the TA plan", who=who, activity=self.detail)
        if self.action != "step_status":  # a sentence the migration could not read: as it was written
            return f"{who} {self.action} in the TA plan"
        status = PlanStatus(self.status).label.lower() if self.status in PLAN_STATUSES else self.status
        return gettext(
            "%(who)s marked “%(activity)s” %(status)s in the TA plan",
            who=who,
            activity=self.detail,
            status=status,
        )
