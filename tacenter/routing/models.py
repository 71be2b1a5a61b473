"""Staff profiles (expertise, states, programs, capacity, absences) and the routing settings."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.workflow.models import Assignment


class Level(enum.StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RoutingMode(enum.StrEnum):
    SUGGEST = "suggest"
    AUTO = "auto"

    @property
    def label(self) -> str:
        return {"suggest": "Suggest only (a lead decides at triage)", "auto": "Auto-assign on submission"}[
            self.value
        ]


staff_program = Table(
    "staff_program",
    db.Model.metadata,
    Column("user_id", ForeignKey("staff_profile.user_id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("grant_program.id"), primary_key=True, index=True),
)


class StaffExpertise(db.Model):
    """A topic a staff member knows, at a level (primary or secondary)."""

    __tablename__ = "staff_expertise"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True, index=True)
    level: Mapped[str] = mapped_column(String(16), default=Level.PRIMARY.value)

    topic: Mapped[Topic] = relationship(lazy="joined")


class StaffState(db.Model):
    """A state or territory a staff member covers (a code from vocab.STATES)."""

    __tablename__ = "staff_state"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class StaffProfile(db.Model):
    """What routing knows about one TA staff member or lead (1:1 with the user)."""

    __tablename__ = "staff_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    # Weighted units: a targeted request counts 1, see RoutingSettings.tier weights.
    capacity: Mapped[float] = mapped_column(default=6.0)
    backup_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def state_codes(self) -> list[str]:
        return [s.state for s in self.states]

    def topic_level(self, topic_id: int) -> str | None:
        return next((e.level for e in self.expertise if e.topic_id == topic_id), None)

    backup: Mapped[User | None] = relationship(foreign_keys=[backup_user_id], lazy="joined")
    expertise: Mapped[list[StaffExpertise]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=StaffExpertise.topic_id
    )
    states: Mapped[list[StaffState]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=StaffState.state
    )
    programs: Mapped[list[GrantProgram]] = relationship(secondary=staff_program, lazy="selectin")


class StaffAbsence(db.Model):
    """An out-of-office range, both days included."""

    __tablename__ = "staff_absence"
    __table_args__ = (Index("ix_staff_absence_user_ends", "user_id", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_profile.user_id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")


DEFAULTS = {
    "mode": RoutingMode.SUGGEST.value,
    "weight_primary": 40.0,
    "weight_secondary": 20.0,
    "weight_extra_topic": 5.0,
    "weight_state": 30.0,
    "weight_program": 15.0,
    "weight_load": 30.0,
    "penalty_away_today": 10.0,
    "tier_universal": 0.5,
    "tier_targeted": 1.0,
    "tier_intensive": 2.0,
    "require_topic": True,
    "require_state": False,
    "stalled_days": 10,
}


class RoutingSettings(db.Model):
    """The center's routing rules and weights: one row (id 1), edited by admins."""

    __tablename__ = "routing_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default=DEFAULTS["mode"])
    weight_primary: Mapped[float] = mapped_column(default=DEFAULTS["weight_primary"])
    weight_secondary: Mapped[float] = mapped_column(default=DEFAULTS["weight_secondary"])
    weight_extra_topic: Mapped[float] = mapped_column(default=DEFAULTS["weight_extra_topic"])
    weight_state: Mapped[float] = mapped_column(default=DEFAULTS["weight_state"])
    weight_program: Mapped[float] = mapped_column(default=DEFAULTS["weight_program"])
    weight_load: Mapped[float] = mapped_column(default=DEFAULTS["weight_load"])
    penalty_away_today: Mapped[float] = mapped_column(default=DEFAULTS["penalty_away_today"])
    tier_universal: Mapped[float] = mapped_column(default=DEFAULTS["tier_universal"])
    tier_targeted: Mapped[float] = mapped_column(default=DEFAULTS["tier_targeted"])
    tier_intensive: Mapped[float] = mapped_column(default=DEFAULTS["tier_intensive"])
    require_topic: Mapped[bool] = mapped_column(default=DEFAULTS["require_topic"])
    require_state: Mapped[bool] = mapped_column(default=DEFAULTS["require_state"])
    stalled_days: Mapped[int] = mapped_column(default=DEFAULTS["stalled_days"])
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def mode_label(self) -> str:
        return RoutingMode(self.mode).label

    def tier_weights(self) -> dict[str, float]:
        return {
            "universal": self.tier_universal,
            "targeted": self.tier_targeted,
            "intensive": self.tier_intensive,
        }


# Routing reads these on every ranking: open requests by stage and assignee (with the tier,
# so the weighted load is an index-only scan), and each person's latest assignment.
Index("ix_ta_request_stage_assignee_tier", TARequest.stage, TARequest.assignee_id, TARequest.tier)
Index("ix_assignment_assignee_time", Assignment.assignee_id, Assignment.assigned_at)
