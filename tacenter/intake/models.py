from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db
from tacenter.intake.history import field_label, value_shown
from tacenter.vocab import STATES, DeliveryMode, GoalMet, Tier, Urgency
from tacenter.workflow.rules import OPEN_VALUES

OPEN_PREDICATE = "stage IN (" + ", ".join(f"'{value}'" for value in OPEN_VALUES) + ")"

ta_request_topic = Table(
    "ta_request_topic",
    db.Model.metadata,
    Column("ta_request_id", ForeignKey("ta_request.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True, index=True),
)


class TARequest(TimestampMixin, db.Model):
    """A request for technical assistance from one organization."""

    __tablename__ = "ta_request"
    __table_args__ = (
        Index("ix_ta_request_stage_submitted", "stage", "submitted_at"),
        Index("ix_ta_request_org_submitted", "organization_id", "submitted_at"),
        Index("ix_ta_request_assigned", "assigned_at", "assignee_id"),  # assigned per person, per period
        # The open requests, oldest first: the queue's default page reads 25 entries of this
        # instead of sorting every open request. Open work is bounded by the team, so it
        # stays small as the years of closed requests grow.
        Index(
            "ix_ta_request_open_submitted",
            "submitted_at",
            "id",
            sqlite_where=text(OPEN_PREDICATE),
            postgresql_where=text(OPEN_PREDICATE),
        ),
        # The open requests by needed-by date: the "due this week" and "overdue" views filter
        # and sort on it, and scanned every request without it.
        Index(
            "ix_ta_request_open_needed_by",
            "needed_by",
            "id",
            sqlite_where=text(OPEN_PREDICATE),
            postgresql_where=text(OPEN_PREDICATE),
        ),
    )

    @classmethod
    def is_open(cls):
        """`stage IN (the open stages)`, rendered with literals: a planner matches a partial
        index's predicate (ix_ta_request_open_submitted) only against literals."""
        return cls.stage.in_(bindparam(None, OPEN_VALUES, expanding=True, literal_execute=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    # A token from the form: the same submission posted twice makes one request.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    program_id: Mapped[int | None] = mapped_column(ForeignKey("grant_program.id"), index=True)
    # The grant the request is about, among its organization's (tacenter.registry).
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grant_award.id"), index=True)
    # The id a spreadsheet or another tracker gave it (tacenter.records): re-imports match on it.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    tier: Mapped[str] = mapped_column(String(16), default=Tier.TARGETED.value)
    urgency: Mapped[str] = mapped_column(String(16), default=Urgency.ROUTINE.value)
    needed_by: Mapped[date | None]
    preferred_mode: Mapped[str] = mapped_column(String(32), default=DeliveryMode.VIRTUAL_MEETING.value)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    stage: Mapped[str] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    # Milestones, kept by tacenter.timeliness.milestones; durations in business days, net of
    # time waiting on the requester, so reports aggregate them in SQL.
    first_response_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None] = mapped_column(index=True)  # closed, declined, referred
    waiting_since: Mapped[datetime | None]
    waiting_days: Mapped[int] = mapped_column(default=0)
    days_to_first_response: Mapped[int | None]
    days_to_assignment: Mapped[int | None]
    days_to_delivery: Mapped[int | None]

    # How it ended: the outcome at closing, or the reason for declining or referring.
    goal_met: Mapped[str | None] = mapped_column(String(8))  # GoalMet
    outcome_summary: Mapped[str] = mapped_column(Text, default="")
    closing_reason: Mapped[str] = mapped_column(Text, default="")
    referred_to: Mapped[str] = mapped_column(String(200), default="")

    # Optimistic locking: every UPDATE checks the version it read.
    __mapper_args__ = {"version_id_col": version}

    topics: Mapped[list[Topic]] = relationship(
        secondary=ta_request_topic, lazy="selectin", order_by=Topic.name
    )
    program: Mapped[GrantProgram | None] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    organization: Mapped[Organization] = relationship(lazy="joined")

    @property
    def state_name(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label

    @property
    def urgency_label(self) -> str:
        return Urgency(self.urgency).label

    @property
    def preferred_mode_label(self) -> str:
        return DeliveryMode(self.preferred_mode).label

    @property
    def goal_met_label(self) -> str:
        return GoalMet(self.goal_met).label if self.goal_met in set(GoalMet) else (self.goal_met or "")

    def __repr__(self) -> str:
        return f"<TARequest {self.reference} {self.stage}>"


class RequestChange(db.Model):
    """One field of a request changed after submission: who, when, from what to what.

    Kept as data (`field` is the field's name, values are codes or ISO dates) and put into words
    by `intake.history` in the reader's language."""

    __tablename__ = "request_change"
    __table_args__ = (Index("ix_request_change_request_time", "ta_request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return field_label(self.field)

    @property
    def old_shown(self) -> str:
        return value_shown(self.field, self.old_value)

    @property
    def new_shown(self) -> str:
        return value_shown(self.field, self.new_value)
