from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db


class Grant(TimestampMixin, db.Model):
    """A grant an organization holds: the funder's roster is made of these.

    The grant number is the funder's own key, so a re-imported roster matches on it.
    """

    __tablename__ = "grant_award"
    __table_args__ = (Index("ix_grant_award_program_period", "program_id", "project_start", "project_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_number: Mapped[str] = mapped_column(String(40), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("grant_program.id"))
    project_start: Mapped[date]
    project_end: Mapped[date]
    gpo_name: Mapped[str] = mapped_column(String(120), default="")  # the project officer
    gpo_email: Mapped[str] = mapped_column(String(254), default="")
    project_director: Mapped[str] = mapped_column(String(120), default="")

    organization: Mapped[Organization] = relationship(lazy="joined")
    program: Mapped[GrantProgram] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.grant_number} ({self.program.name}, {self.project_start.year}–{self.project_end.year})"


class OrganizationEvent(db.Model):
    """The vetting history of an organization: registered, approved, merged (into or from)."""

    __tablename__ = "organization_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # registered, approved, merged_into, merged_from
    other_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")
