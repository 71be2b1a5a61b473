"""Follow-ups after a request closes, and the measurable objectives of a TA plan."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l


class FollowUp(db.Model):
    """One follow-up window (30 or 90 days) of one closed request, or of one delivered event for
    one contact (an active requester account of an organization that attended). The unique keys
    are the "exactly once": the sweep that inserts the row also queues its email, in one
    transaction, so a second beat or a re-run after a killed worker inserts nothing and sends
    nothing."""

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("ta_request_id", "window_days"),
        UniqueConstraint("event_id", "contact_id", "window_days", name="uq_follow_up_event_contact_window"),
        Index("ix_follow_up_open", "answered_at", "lapsed_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    window_days: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    lapsed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("survey_submission.id", ondelete="SET NULL"))

    @property
    def purpose(self) -> str:
        return f"follow_up_{self.window_days}"

    @property
    def state(self) -> str:
        if self.answered_at:
            return "answered"
        return "lapsed" if self.lapsed_at else ("reminded" if self.reminded_at else "sent")


class ObjectiveStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    MET = "met"
    NOT_MET = "not_met"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(OBJECTIVE_LABELS[self])


OBJECTIVE_LABELS = {
    ObjectiveStatus.NOT_STARTED: _l("Not started"),
    ObjectiveStatus.IN_PROGRESS: _l("In progress"),
    ObjectiveStatus.MET: _l("Met"),
    ObjectiveStatus.NOT_MET: _l("Not met"),
    ObjectiveStatus.DROPPED: _l("Dropped"),
}


class PlanObjective(db.Model):
    """A measurable objective under a goal of a request's TA plan (a collaborative member's own
    request has its own plan, so members' objectives work the same way)."""

    __tablename__ = "plan_objective"
    __table_args__ = (Index("ix_plan_objective_request", "ta_request_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("ta_plan_goal.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ObjectiveStatus.NOT_STARTED.value)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def status_label(self) -> str:
        return ObjectiveStatus(self.status).label


class ObjectiveChange(db.Model):
    """The history of an objective: each status change or progress note, by whom or by which
    follow-up answer, with its evidence. Never edited."""

    __tablename__ = "objective_change"
    __table_args__ = (Index("ix_objective_change_objective", "objective_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objective.id", ondelete="CASCADE"))
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("survey_submission.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
