"""Checking rows of requests and TA activities: the history a center brings with it.

A request or activity already imported (same external_id) is left as it is: history that
has lived on here since is not overwritten by an old spreadsheet.
"""

from __future__ import annotations

from sqlalchemy import select

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.records.cells import Cells
from tacenter.records.validate import NEW, UNCHANGED, Context, Outcome
from tacenter.vocab import STAFF_SIDE, DeliveryMode, GoalMet, Role, Tier, Urgency
from tacenter.workflow import history
from tacenter.workflow.rules import Stage

ASSIGNABLE = (Role.STAFF.value, Role.LEAD.value)


def load_history_lookups(ctx: Context, kind: str) -> None:
    """Existing requests' external ids (requests and activities) and activities' (activities)."""
    ids = db.session.execute(
        select(TARequest.id, TARequest.external_id).where(TARequest.external_id.is_not(None))
    )
    ctx.requests = {ext.lower(): row_id for row_id, ext in ids}
    ctx.references = set()
    if kind == "requests":
        ctx.references = {r for r in db.session.scalars(select(TARequest.reference)) if r}
    ctx.activities = set()
    if kind == "activities":
        query = select(TAActivity.external_id).where(TAActivity.external_id.is_not(None))
        ctx.activities = {ext.lower() for ext in db.session.scalars(query)}


def _staff(cells: Cells, ctx: Context, column: str, roles) -> int | None:
    email = cells.email(column)
    if not email:
        return None
    found = ctx.users.get(email)
    if found is None or found[1] not in roles:
        cells.problem(column, f"“{email}” is not a TA staff member here (import users first)")
        return None
    return found[0]


def check_request(cells: Cells, ctx: Context) -> Outcome | None:
    ext = cells.text("external_id", 64, required=True).strip()
    org_id = cells.text("organization", 64, required=True).strip()
    organization_id = ctx.orgs.get(org_id)
    if org_id and organization_id is None:
        cells.problem("organization", f"no organization has the external_id “{org_id}”")
    requester = ctx.users.get(cells.email("requester_email", required=True))
    if cells.row.values.get("requester_email") and (requester is None or requester[1] != Role.REQUESTER):
        cells.problem("requester_email", "is not a requester here (import users first)")
    program = cells.text("program", 160).strip()
    if program and program.lower() not in ctx.programs:
        cells.problem("program", f"unknown grant program “{program}”")
    number = cells.text("grant_number", 40).strip()
    grant = ctx.grants.get(number) if number else None
    if number and (grant is None or grant[1] != organization_id):
        cells.problem("grant_number", "is not a grant of this organization")
    reference = cells.text("reference", 20).strip()
    fresh = bool(reference) and ctx.first_time(cells, "reference", "\0ref:" + reference)
    if fresh and reference in ctx.references and ext.lower() not in ctx.requests:
        cells.problem("reference", f"{reference} is taken by another request")
    assignee_id = _staff(cells, ctx, "assignee_email", ASSIGNABLE)
    stage_given = cells.text("stage", 40, required=True).strip().lower()
    stage = next((s.value for s in Stage if stage_given in (s.value, s.label.lower())), stage_given)
    h = history.ImportedHistory(
        stage=stage,
        submitted_at=cells.moment("submitted_at", required=True),
        first_response_at=cells.moment("first_response_at"),
        assigned_at=cells.moment("assigned_at"),
        delivered_at=cells.moment("delivered_at"),
        finished_at=cells.moment("finished_at"),
        has_assignee=assignee_id is not None or bool(cells.row.values.get("assignee_email")),
    )
    values = {
        "external_id": ext, "reference": reference or None,
        "title": cells.text("title", 200, required=True).strip(),
        "description": cells.text("description", 20000),
        "desired_outcome": cells.text("desired_outcome", 5000),
        "organization_id": organization_id, "requester_id": requester[0] if requester else None,
        "state": cells.state("state"), "program_id": ctx.programs.get(program.lower()) if program else None,
        "grant_id": grant[0] if grant else None, "topic_ids": cells.names("topics", ctx.topics),
        "tier": cells.choice("tier", Tier, Tier.TARGETED.value),
        "urgency": cells.choice("urgency", Urgency, Urgency.ROUTINE.value),
        "preferred_mode": cells.choice("preferred_mode", DeliveryMode, DeliveryMode.VIRTUAL_MEETING.value),
        "needed_by": cells.day("needed_by"), "assignee_id": assignee_id,
        "goal_met": cells.choice("goal_met", GoalMet), "outcome_summary": cells.text("outcome_summary", 5000),
        "closing_reason": cells.text("closing_reason", 5000), "referred_to": cells.text("referred_to", 200),
    }  # fmt: skip
    if h.submitted_at is not None:
        for column, message in history.history_problems(h):
            cells.problem(column, message)
    if not ext or not ctx.first_time(cells, "external_id", ext):
        return None
    existing = ctx.requests.get(ext.lower())
    values["history"] = h
    return Outcome(ext, values, existing, UNCHANGED if existing else NEW)


def check_activity(cells: Cells, ctx: Context) -> Outcome | None:
    ext = cells.text("external_id", 64, required=True).strip()
    request_ext = cells.text("request", 64, required=True).strip()
    request_id = ctx.requests.get(request_ext.lower())
    if request_ext and request_id is None:
        cells.problem("request", f"no request has the external_id “{request_ext}” (import requests first)")
    values = {
        "external_id": ext, "ta_request_id": request_id,
        "activity_date": cells.day("activity_date", required=True), "hours": cells.hours("hours"),
        "mode": cells.choice("mode", DeliveryMode, required=True),
        "participant_count": cells.integer("participant_count"),
        "participant_roles": cells.text("participant_roles", 300),
        "topic_ids": cells.names("topics", ctx.topics),
        "staff_id": _staff(cells, ctx, "staff_email", {r.value for r in STAFF_SIDE}),
        "note": cells.text("note", 5000),
    }  # fmt: skip
    if not ext or not ctx.first_time(cells, "external_id", ext):
        return None
    done = ext.lower() in ctx.activities
    return Outcome(ext, values, None, UNCHANGED if done else NEW)
