from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import TimestampMixin
from tacenter.extensions import db


class JobStatus(enum.StrEnum):
    """An import's life: checked (preview), then written all at once, or not at all."""

    CHECKING = "checking"  # waiting for or in the check (the preview)
    CHECKED = "checked"  # the preview is ready: errors listed, nothing written
    COMMITTING = "committing"  # the admin committed; the rows are being written
    DONE = "done"
    FAILED = "failed"  # the file could not be read, or the write was refused; nothing written


class ImportJob(TimestampMixin, db.Model):
    """One uploaded file and its import: the progress row a page reload reads back.

    The file itself lives under the instance folder (stored_name, generated); the worker and
    the web app read it from there.
    """

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for display only
    stored_name: Mapped[str] = mapped_column(String(80))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.CHECKING.value, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    step: Mapped[str] = mapped_column(String(200), default="Waiting for the worker")
    rows_total: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    new_count: Mapped[int] = mapped_column(default=0)
    changed_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # why the whole file was refused
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finished_at: Mapped[datetime | None]


class ImportRowError(db.Model):
    """One problem the check found: which row (as a spreadsheet numbers it), which column, what."""

    __tablename__ = "import_row_error"
    __table_args__ = (Index("ix_import_row_error_job_row", "job_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    column: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(String(300))
