"""Tables of group TA: events, their facilitators, attendance and materials; collaboratives,
their members and the history of who joined and left."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import Topic
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db
from tacenter.group_ta.vocab import LANGUAGES, EventLabels, EventMode, EventStatus

event_topic = Table(
    "event_topic",
    db.Model.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True, index=True),
)


class Event(EventLabels, TimestampMixin, db.Model):
    """A training, TA session or meeting delivered to a group of organizations."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_date_status", "event_date", "status"),
        CheckConstraint("duration_hours > 0 AND duration_hours <= 24", name="duration_in_range"),
        CheckConstraint("non_grantee_count >= 0", name="non_grantees_not_negative"),
        CheckConstraint("in_person_count >= 0 AND virtual_count >= 0", name="mode_counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    event_type: Mapped[str] = mapped_column(String(16))  # EventType
    tier: Mapped[str] = mapped_column(String(16))  # vocab.Tier
    language: Mapped[str] = mapped_column(String(8), default="en")
    mode: Mapped[str] = mapped_column(String(16), default=EventMode.VIRTUAL.value)
    in_person_count: Mapped[int] = mapped_column(default=0)  # hybrid: how many came in person
    virtual_count: Mapped[int] = mapped_column(default=0)  # and how many joined online
    event_date: Mapped[date]  # in the center's time zone
    start_time: Mapped[time | None]  # local; none for an all-day event
    duration_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.PLANNED.value)
    non_grantee_count: Mapped[int] = mapped_column(default=0)  # attendees from no organization of ours
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    collaborative_id: Mapped[int | None] = mapped_column(
        ForeignKey("collaborative.id", ondelete="SET NULL"), index=True
    )
    delivered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    # Optimistic locking: two leads saving attendance at once cannot both win.
    __mapper_args__ = {"version_id_col": version}

    topics: Mapped[list[Topic]] = relationship(secondary=event_topic, lazy="selectin", order_by=Topic.name)
    owner: Mapped[User] = relationship(lazy="joined")
    facilitators: Mapped[list[EventFacilitator]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="event"
    )
    collaborative: Mapped[Collaborative | None] = relationship(lazy="joined")

    @property
    def language_label(self) -> str:
        return LANGUAGES.get(self.language, self.language)


class EventFacilitator(db.Model):
    """A staff member who facilitated an event: their hours count once for it."""

    __tablename__ = "event_facilitator"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, index=True)

    event: Mapped[Event] = relationship(back_populates="facilitators")
    user: Mapped[User] = relationship(lazy="joined")


class EventAttendance(db.Model):
    """One organization at one event: how many of its people came, and their roles."""

    __tablename__ = "event_attendance"
    __table_args__ = (
        UniqueConstraint("event_id", "organization_id", name="uq_event_attendance_event_org"),
        CheckConstraint("participant_count >= 1 AND participant_count <= 5000", name="participants_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    participant_count: Mapped[int]
    roles: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")


class EventMaterial(db.Model):
    """A resource shared with an event's attendees (a slide deck, a toolkit): a link."""

    __tablename__ = "event_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Collaborative(TimestampMixin, db.Model):
    """A learning collaborative (cohort): member organizations meeting in a series of sessions."""

    __tablename__ = "collaborative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    lead_facilitator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]

    topic: Mapped[Topic | None] = relationship(lazy="joined")
    lead_facilitator: Mapped[User] = relationship(lazy="joined")


class CollaborativeMember(db.Model):
    """An organization in a collaborative, with its own request for individualized TA."""

    __tablename__ = "collaborative_member"
    __table_args__ = (
        UniqueConstraint("collaborative_id", "organization_id", name="uq_collaborative_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaborative.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship(lazy="joined")

    @property
    def active(self) -> bool:
        return self.left_on is None


class MembershipChange(db.Model):
    """The history of a collaborative's members: joined, left, rejoined, removed."""

    __tablename__ = "collaborative_membership_change"
    __table_args__ = (Index("ix_membership_change_collab", "collaborative_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaborative.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    action: Mapped[str] = mapped_column(String(16))  # joined, left, rejoined, removed
    on_date: Mapped[date]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    actor: Mapped[User | None] = relationship(lazy="joined")
