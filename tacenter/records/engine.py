"""One pass over a file: parse each row, check it, and (when writing) write it in batches.

The preview and the commit are the same pass, so the commit can find nothing the preview
did not show; the web app, the worker and the CLI all run it through records.services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tacenter.records import validate, validate_attendance, validate_history
from tacenter.records.cells import Cells
from tacenter.records.columns import KINDS
from tacenter.records.parsing import read_rows, too_long
from tacenter.records.write import write_batch

CHECKERS = {
    "topics": validate.check_catalog,
    "programs": validate.check_catalog,
    "organizations": validate.check_organization,
    "grants": validate.check_grant,
    "users": validate.check_user,
    "requests": validate_history.check_request,
    "activities": validate_history.check_activity,
    "attendance": validate_attendance.check_attendance,
}
BATCH = 500
LISTED_ERRORS = 1000  # problems kept to show; the count goes on
PROGRESS_EVERY = 1000


@dataclass
class ScanReport:
    rows: int = 0
    error_count: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})


def scan(
    kind: str,
    path: str,
    *,
    tz: str,
    max_bytes: int,
    sheet: str = "",
    actor_id: int | None = None,
    write: bool = False,
    on_progress: Callable[[ScanReport], None] | None = None,
) -> ScanReport:
    """Check every row of the file (FileRefused if it cannot be read at all); with `write`,
    also write the good rows in the caller's transaction. The caller commits only a report
    with no errors, and rolls back otherwise: all or nothing."""
    ctx = validate.Context.load(kind, tz=tz, actor_id=actor_id)
    if kind in ("requests", "activities"):
        validate_history.load_history_lookups(ctx, kind)
    if kind == "attendance":
        validate_attendance.load_attendance_lookups(ctx)
    check, report, batch = CHECKERS[kind], ScanReport(), []
    for row in read_rows(path, KINDS[kind], sheet=sheet, max_bytes=max_bytes):
        too_long(row)
        outcome = check(Cells(row, tz), ctx)
        report.rows += 1
        if row.problems:
            report.error_count += len(row.problems)
            room = LISTED_ERRORS - len(report.errors)
            report.errors.extend((row.number, c, m) for c, m in row.problems[: max(room, 0)])
        elif outcome is not None:
            report.counts[outcome.status] += 1
            if write and not report.error_count:
                batch.append(outcome)
                if len(batch) >= BATCH:
                    write_batch(kind, batch, ctx)
                    batch = []
        if on_progress and report.rows % PROGRESS_EVERY == 0:
            on_progress(report)
    if write and batch and not report.error_count:
        write_batch(kind, batch, ctx)
    return report
