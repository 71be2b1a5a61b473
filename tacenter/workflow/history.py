"""Imported history: the stage and milestones of a request that lived its life elsewhere.

`services._move` is the only writer of a stage for requests that live here: it checks the
transition, stamps now, and tells people. A request imported from another tracker did not
move here; it arrives in its last stage with the dates it reached each milestone. Walking
it through `_move` would stamp today's dates and send notices for old news. So this module
is the one other writer of `stage`, for imports only (tacenter.records): it checks that
the stage and the dates tell a possible story, and computes the milestones as
timeliness.milestones would have, from those dates. It writes nothing itself: it returns
the column values and history rows for the import to insert in its one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tacenter.timeliness.business_days import business_days_between
from tacenter.workflow.rules import FINISHED, UNASSIGNED, Stage

IMPORT_NOTE = "Imported with its history."


@dataclass(frozen=True)
class ImportedHistory:
    stage: str
    submitted_at: datetime
    first_response_at: datetime | None = None
    assigned_at: datetime | None = None
    delivered_at: datetime | None = None
    finished_at: datetime | None = None
    has_assignee: bool = False


def history_problems(h: ImportedHistory) -> list[tuple[str, str]]:
    """(column, message) for a stage and dates that cannot have happened."""
    problems = []
    try:
        stage = Stage(h.stage)
    except ValueError:
        return [("stage", f"“{h.stage}” is not a stage of the workflow")]
    for name in ("first_response_at", "assigned_at", "delivered_at", "finished_at"):
        when = getattr(h, name)
        if when is not None and when < h.submitted_at:
            problems.append((name, "is before submitted_at"))
    if stage in FINISHED and h.finished_at is None:
        problems.append(("finished_at", f"is needed for a {stage.label.lower()} request"))
    if stage not in FINISHED and h.finished_at is not None:
        problems.append(("finished_at", f"is given but the request is {stage.label.lower()}"))
    if stage not in UNASSIGNED | FINISHED and not h.has_assignee:
        problems.append(("assignee_email", f"is needed for a request that is {stage.label.lower()}"))
    if stage in UNASSIGNED and h.has_assignee:
        problems.append(("assignee_email", f"is given but the request is {stage.label.lower()}"))
    return problems


def imported_columns(h: ImportedHistory, *, tz: str) -> dict:
    """The stage and milestone columns of the request, as the workflow would have kept them.

    First response falls back to the assignment (assigning is a response); durations are in
    business days from submission (imported requests carry no waiting time)."""
    first = h.first_response_at or h.assigned_at  # unknown stays unknown: never invented

    def days(when):
        return None if when is None else business_days_between(h.submitted_at, when, tz=tz)

    last = max(d for d in (h.submitted_at, first, h.assigned_at, h.delivered_at, h.finished_at) if d)
    return {
        "stage": Stage(h.stage).value,
        "submitted_at": h.submitted_at,
        "first_response_at": first,
        "assigned_at": h.assigned_at,
        "delivered_at": h.delivered_at,
        "finished_at": h.finished_at,
        "waiting_since": last if h.stage == Stage.WAITING_ON_REQUESTER else None,
        "waiting_days": 0,
        "days_to_first_response": days(first),
        "days_to_assignment": days(h.assigned_at),
        "days_to_delivery": days(h.delivered_at),
        "created_at": h.submitted_at,
        "updated_at": last,
    }


def imported_stage_changes(h: ImportedHistory) -> list[dict]:
    """The history rows: received at submission, then the imported stage at its last date."""
    rows = [{"from_stage": None, "to_stage": Stage.SUBMITTED.value, "created_at": h.submitted_at, "note": ""}]
    if h.stage != Stage.SUBMITTED:
        last = max(d for d in (h.submitted_at, h.first_response_at, h.assigned_at, h.delivered_at,
                               h.finished_at) if d)  # fmt: skip
        rows.append({"from_stage": Stage.SUBMITTED.value, "to_stage": Stage(h.stage).value,
                     "created_at": last, "note": IMPORT_NOTE})  # fmt: skip
    return rows
