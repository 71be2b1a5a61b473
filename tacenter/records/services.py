"""Import use cases: upload a file, check it (the preview), commit it, all or nothing.

A job row holds the import's progress, so a page reload (or another admin) sees where it
is. Small files are checked and written in the web request; big ones by the worker
(tacenter.jobs). Both run the same functions, each safe to run twice: a job is claimed by
an UPDATE on its status, and a write that dies rolls back with its claim.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, insert, select, update

from tacenter import jobs
from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.files.services import DIR_MODE, FILE_MODE, clean_filename
from tacenter.records.columns import KINDS
from tacenter.records.engine import ScanReport, scan
from tacenter.records.models import ImportJob, ImportRowError, JobStatus
from tacenter.records.parsing import FileRefused
from tacenter.vocab import Role

log = logging.getLogger(__name__)
QUEUED, COMMIT_QUEUED = "queued", "commit_queued"  # waiting for the worker to claim it
STALE = timedelta(minutes=15)  # a check claimed this long ago by a worker that died is run again


def import_dir() -> Path:
    return Path(current_app.config["IMPORT_DIR"])


def stored_path(job: ImportJob) -> str:
    return str(import_dir() / job.stored_name)


def _save(stream: BinaryIO, limit: int) -> tuple[str, int]:
    """Copy the upload under the instance folder, with a generated name, readable by the app only."""
    folder = import_dir()
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".upload"
    path, size = folder / name, 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1 << 16):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink()
                raise FileRefused(
                    f"The file is larger than the {limit // (1024 * 1024)} MB we accept. Split it."
                )
            out.write(chunk)
    os.chmod(path, FILE_MODE)  # whatever the umask
    return name, size


def start_import(kind: str, filename: str, stream: BinaryIO, *, sheet: str = "", actor: User) -> ImportJob:
    """Store an admin's upload and check it: inline when small, by the worker otherwise.
    Nothing is written to the center's records until the admin commits."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins import records.")
    if kind not in KINDS:
        raise DomainError("Choose what the file holds.")
    stored, size = _save(stream, current_app.config["IMPORT_MAX_BYTES"])
    job = ImportJob(
        kind=kind, filename=clean_filename(filename), stored_name=stored, sheet=sheet.strip()[:100],
        size_bytes=size, status=QUEUED, requested_by_id=actor.id,
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    inline = size <= current_app.config["IMPORT_INLINE_BYTES"]
    if not inline:
        jobs.after_commit_import(db.session, job.id, commit=False)
    db.session.commit()
    if inline:
        check_import(job.id)
    return job


def _claim(job_id: int, waiting: str, working: str, *, now: datetime) -> bool:
    stale = now - STALE
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .where(
            (ImportJob.status == waiting) | ((ImportJob.status == working) & (ImportJob.updated_at < stale))
        )
        .values(status=working, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def estimate_rows(path: str) -> int | None:
    """Lines in a CSV file (a quick count of newlines, a chunk at a time), for the progress bar."""
    with open(path, "rb") as handle:
        if handle.read(4) == b"PK\x03\x04":
            return None  # a workbook: rows are known only by reading it
        handle.seek(0)
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) or None


def _progress(job_id: int, report: ScanReport, estimate: int | None) -> None:
    percent = min(99, 100 * report.rows // estimate) if estimate else 0
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
        rows_total=report.rows, progress=percent, step=f"Checked {report.rows:,} rows",
        updated_at=utcnow()))  # fmt: skip
    db.session.commit()


def _scan(job: ImportJob, **kw) -> ScanReport:
    config = current_app.config
    return scan(job.kind, stored_path(job), tz=config["CENTER_TIMEZONE"], sheet=job.sheet,
                max_bytes=config["IMPORT_MAX_BYTES"], actor_id=job.requested_by_id, **kw)  # fmt: skip


def _record(job: ImportJob, report: ScanReport) -> None:
    job.rows_total, job.error_count = report.rows, report.error_count
    job.new_count, job.changed_count = report.counts["new"], report.counts["changed"]
    job.unchanged_count = report.counts["unchanged"]


def _discard(job_id: int) -> None:
    """A finished import's file is of no more use; the center's data should not linger in it."""
    stored = db.session.scalar(select(ImportJob.stored_name).where(ImportJob.id == job_id))
    if stored:
        (import_dir() / stored).unlink(missing_ok=True)


def _fail(job_id: int, message: str) -> str:
    db.session.rollback()
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
        status=JobStatus.FAILED.value, message=message, step="Nothing was written", progress=100,
        finished_at=utcnow()))  # fmt: skip
    db.session.commit()
    _discard(job_id)
    return "failed"


def check_import(job_id: int) -> str:
    """The preview: every row's problems by row and column, and what a commit would do."""
    now = utcnow()
    if not _claim(job_id, QUEUED, JobStatus.CHECKING.value, now=now):
        db.session.rollback()
        return "not waiting"
    db.session.commit()
    job = db.session.get(ImportJob, job_id)
    db.session.execute(delete(ImportRowError).where(ImportRowError.job_id == job_id))
    try:
        estimate = estimate_rows(stored_path(job))
        report = _scan(job, on_progress=lambda r: _progress(job_id, r, estimate))
    except FileRefused as refused:
        return _fail(job_id, refused.message)
    except Exception:  # a time limit, a lost file: say so on the job rather than leave it hanging
        log.exception("import %s: the check stopped", job_id)
        return _fail(job_id, "The check stopped on an error. Upload the file again, or split it.")
    job = db.session.get(ImportJob, job_id)
    if report.errors:
        rows = [{"job_id": job_id, "row_number": n, "column": c[:60], "message": m[:300]}
                for n, c, m in report.errors]  # fmt: skip
        db.session.execute(insert(ImportRowError), rows)
    _record(job, report)
    job.status, job.progress = JobStatus.CHECKED.value, 100
    job.step = (
        "Checked: fix the rows listed and upload again" if report.error_count else "Checked: ready to commit"
    )
    db.session.commit()
    return "checked"


def commit_import(job_id: int, *, actor: User) -> ImportJob:
    """The admin commits a checked import without problems; small ones are written now."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins import records.")
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("There is no such import.")
    if job.status != JobStatus.CHECKED or job.error_count:
        raise DomainError("Only a checked file without problems can be committed.")
    job.status, job.step, job.progress = COMMIT_QUEUED, "Writing the rows, all at once", 0
    # The admin's decision is what the audit log keeps, in its transaction; the write follows.
    record_event(
        Action.RECORDS_IMPORTED, actor=actor, object_type="import_job", object_ref=job.id, detail=job.kind
    )
    inline = job.size_bytes <= current_app.config["IMPORT_INLINE_BYTES"]
    if not inline:
        jobs.after_commit_import(db.session, job.id, commit=True)
    db.session.commit()
    if inline:
        write_import(job.id)
    return db.session.get(ImportJob, job_id)


def write_import(job_id: int) -> str:
    """Write every row in one transaction with the job's claim: if anything is wrong now (the
    database changed since the preview) or the worker dies, nothing is written."""
    now = utcnow()
    if not _claim(job_id, COMMIT_QUEUED, JobStatus.COMMITTING.value, now=now):
        db.session.rollback()
        return "not waiting"
    job = db.session.get(ImportJob, job_id)
    try:
        report = _scan(job, write=True)
    except FileRefused as refused:
        return _fail(job_id, refused.message)
    except Exception:  # the transaction rolls back whole: nothing was written
        log.exception("import %s: the write stopped", job_id)
        return _fail(job_id, "Writing stopped on an error. Upload the file again, or split it.")
    if report.error_count:
        first = report.errors[0] if report.errors else (0, "", "")
        return _fail(job_id, f"The records changed since the check (row {first[0]}, {first[1]}: {first[2]}). "
                             "Upload the file again.")  # fmt: skip
    _record(job, report)
    job.status, job.progress, job.step, job.finished_at = JobStatus.DONE.value, 100, "Imported", utcnow()
    db.session.commit()
    _discard(job_id)
    return "done"


def import_file(kind: str, path: str, *, commit: bool, sheet: str = "") -> ScanReport:
    """The CLI's import: check the file and, with `commit` and no problems, write it at once."""
    if kind not in KINDS:
        raise DomainError(f"Unknown kind {kind!r}: one of {', '.join(KINDS)}.")
    report = scan(kind, path, tz=current_app.config["CENTER_TIMEZONE"], sheet=sheet,
                  max_bytes=current_app.config["IMPORT_MAX_BYTES"], write=commit)  # fmt: skip
    if commit and not report.error_count:
        db.session.commit()
    else:
        db.session.rollback()
    return report
