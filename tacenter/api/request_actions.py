"""/api/v1/requests/<reference>/…: move a stage, assign, reply, add an internal note, log an
activity. Each calls the one service the request page calls."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from tacenter.api.access import allow, anyone
from tacenter.api.schemas import (
    ActivityInSchema,
    ActivitySchema,
    AssignSchema,
    MessageInSchema,
    MessageSchema,
    RequestSchema,
    StageMoveSchema,
)
from tacenter.conversation.services import add_note, post_reply
from tacenter.delivery.services import ActivityValues, log_activity
from tacenter.errors import DomainError
from tacenter.vocab import Role
from tacenter.workflow import services as workflow
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.rules import Stage

bp = Blueprint("api_request_actions", __name__, url_prefix="/api/v1/requests", description="TA requests")

WORKERS = (Role.STAFF, Role.LEAD, Role.ADMIN)


@bp.route("/<reference>/stage", methods=["POST"])
@anyone
@bp.arguments(StageMoveSchema)
@bp.response(200, RequestSchema)
def move_stage(data: dict, reference: str):
    """Move a request along the workflow (who may make which move: workflow/rules.py).

    Closing needs `goal_met` and `outcome_summary`; referring needs `referred_to` and a `note`
    (the reason); declining needs a `note`. A stale `version` is a 409."""
    common = {"actor": current_user, "expected_version": data["version"]}
    note = data.get("note", "")
    if data["target"] == Stage.CLOSED:
        return workflow.close_request(
            reference,
            goal_met=data.get("goal_met", ""),
            outcome_summary=data.get("outcome_summary", ""),
            note=note,
            **common,
        )
    if data["target"] == Stage.REFERRED:
        return workflow.refer_request(
            reference, reason=note, referred_to=data.get("referred_to", ""), **common
        )
    if data["target"] == Stage.DECLINED:
        if not note.strip():
            raise DomainError("Add a note saying why.")
        return workflow.decline_request(reference, reason=note, **common)
    return workflow.change_stage(reference, data["target"], note=note, **common)


@bp.route("/<reference>/assignment", methods=["POST"])
@allow(Role.LEAD, Role.ADMIN)
@bp.arguments(AssignSchema)
@bp.response(200, RequestSchema)
def assign(data: dict, reference: str):
    """Give a request to a TA staff member (leads and admins)."""
    return assign_request(
        reference,
        data["assignee_id"],
        note=data["note"],
        actor=current_user,
        expected_version=data["version"],
    )


@bp.route("/<reference>/replies", methods=["POST"])
@allow(Role.REQUESTER, *WORKERS)
@bp.arguments(MessageInSchema)
@bp.response(201, MessageSchema)
def reply(data: dict, reference: str):
    """A reply everyone on the request sees (Markdown; the requester is emailed)."""
    return post_reply(reference, data["body"], actor=current_user)


@bp.route("/<reference>/notes", methods=["POST"])
@allow(*WORKERS)
@bp.arguments(MessageInSchema)
@bp.response(201, MessageSchema)
def note(data: dict, reference: str):
    """An internal note: staff only, never shown to the requester."""
    return add_note(reference, data["body"], actor=current_user)


@bp.route("/<reference>/activities", methods=["POST"])
@allow(*WORKERS)
@bp.arguments(ActivityInSchema)
@bp.response(201, ActivitySchema)
def activity(data: dict, reference: str):
    """Log a TA activity (assignee, leads and admins), while the TA record is open."""
    return log_activity(reference, ActivityValues(**data), actor=current_user)
