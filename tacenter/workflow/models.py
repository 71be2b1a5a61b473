from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l

# Notes the system writes into a request's history, stored in English and read in the
# reader's language (what people type stays as they typed it).
REQUESTER_ANSWERED = "The requester answered."
SYSTEM_NOTES = {REQUESTER_ANSWERED: _l("The requester answered.")}


class StageChange(db.Model):
    """One move of a request from a stage to another: who, when, from, to, why."""

    __tablename__ = "stage_change"
    __table_args__ = (Index("ix_stage_change_request_time", "ta_request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="joined")

    @property
    def note_text(self) -> str:
        """The note as the reader reads it: a note the system wrote, in the reader's language."""
        return str(SYSTEM_NOTES.get(self.note, self.note))


class Assignment(db.Model):
    """Who held a request and when; exactly one open row (ended_at NULL) per assigned request."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_request", "ta_request_id", "assigned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id], lazy="joined")
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id], lazy="joined")


class SavedView(TimestampMixin, db.Model):
    """A named set of queue filters, kept for its owner alone (see workflow/saved_views.py).

    `filters` holds query-string values by key; they are allow-listed again whenever read."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
