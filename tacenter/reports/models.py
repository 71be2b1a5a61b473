from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from tacenter.db import TimestampMixin
from tacenter.extensions import db


class ReportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FunderReport(TimestampMixin, db.Model):
    """A funder report for a period: its progress row, the staff narrative, and the files.

    The files are kept in the row (deferred columns) so web and worker need no shared disk.
    """

    __tablename__ = "funder_report"
    # One scheduled report per quarter, however often the schedule fires.
    __table_args__ = (UniqueConstraint("schedule_key", name="uq_funder_report_schedule_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    schedule_key: Mapped[str | None] = mapped_column(String(20))  # e.g. fy2026q1, scheduled only
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.QUEUED.value, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    step: Mapped[str] = mapped_column(String(200), default="Waiting for the worker")
    error: Mapped[str] = mapped_column(Text, default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    generated_at: Mapped[datetime | None]
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    xlsx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class ReportSnapshot(db.Model):
    """The figures of one dashboard or report view as the worker last computed them (snapshots.py).

    `key` names the view (the page and its filters, period dates included); `payload` is its
    figures as JSON. A view without a fresh snapshot is computed on the spot."""

    __tablename__ = "report_snapshot"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(default=0.0)  # what computing it took (the worker's cost)
