"""Audit tables: the events, the head of their hash chain, and archive checkpoints.

The audit log sits below every feature (accounts included): it names users by id and a
label, never through a relationship, so it can be written from any service.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db

GENESIS = "0" * 64


class Outcome:
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"

    ALL = (SUCCESS, FAILURE, DENIED)


class AuditEvent(db.Model):
    """One event. Rows are only ever added (and removed whole by audit-archive).

    `hash` covers every other column and `prev_hash`, so an edited or deleted row breaks
    the chain (see chain.py). No column ever holds a password, token, note or file content.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_occurred", "occurred_at"),
        Index("ix_audit_event_actor_time", "actor_id", "occurred_at"),
        Index("ix_audit_event_action_time", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column()  # no foreign key: the log outlives rows
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str] = mapped_column(String(48), default="")
    object_ref: Mapped[str] = mapped_column(String(200), default="")
    organization_id: Mapped[int | None] = mapped_column()
    address: Mapped[str] = mapped_column(String(45), default="")
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.SUCCESS)
    detail: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(db.Model):
    """A single row (id 1): the hash of the newest event. Every writer takes its lock first,
    so two writers at once cannot both chain onto the same event."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    locked_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditArchive(db.Model):
    """Where the chain restarts after audit-archive removed its older events."""

    __tablename__ = "audit_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    archived_at: Mapped[datetime] = mapped_column(default=utcnow)
    through_event_id: Mapped[int] = mapped_column()
    last_hash: Mapped[str] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column()
    before: Mapped[datetime] = mapped_column()
