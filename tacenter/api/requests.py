"""/api/v1/requests: list, create, read and edit TA requests.

Every read starts from `visible_requests` (through workflow.queries.queue_query and
workflow.services.get_visible_request), and every write calls the service the pages call,
so the API can neither see nor do more than the pages.
"""

from __future__ import annotations

import dataclasses
import secrets

from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE
from sqlalchemy import select

from tacenter.api import paging, request_rows
from tacenter.api.access import allow, anyone
from tacenter.api.schemas import (
    RequestCreateSchema,
    RequestEditSchema,
    RequestListArgs,
    RequestPageSchema,
    RequestSchema,
)
from tacenter.extensions import db
from tacenter.intake.editing import RequestEdit, edit_request
from tacenter.intake.services import RequestDraft, submit_request
from tacenter.vocab import Role
from tacenter.workflow.queries import QueueFilters, queue_query
from tacenter.workflow.services import get_visible_request

bp = Blueprint("api_requests", __name__, url_prefix="/api/v1/requests", description="TA requests")

FILTERS = tuple(f.name for f in dataclasses.fields(QueueFilters))


@bp.route("")
@anyone
@bp.arguments(RequestListArgs, location="query", as_kwargs=True, unknown=RAISE)
@bp.response(200, RequestPageSchema)
def list_requests(cursor: str | None = None, limit: int = 25, **args):
    """The requests you may see, with the queue's filters and sorts (cursor pagination).

    Requesters see their organization's requests; staff, leads, leadership and admins see all.
    Without `stage`, only open requests are listed (as on the queue)."""
    values = {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in args.items() if k in FILTERS
    }
    filters = QueueFilters(**values)
    query = queue_query(current_user, filters)
    if cursor:
        try:
            query = paging.after(query, filters.sort, cursor)
        except paging.BadCursor as error:
            abort(422, message=str(error), errors={"query": {"cursor": [str(error)]}})
    rows = request_rows.page_rows(query, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": paging.encode(filters.sort, rows[-1]) if more and rows else None}


@bp.route("", methods=["POST"])
@allow(Role.REQUESTER)
@bp.arguments(RequestCreateSchema)
@bp.response(201, RequestSchema)
def create_request(data: dict):
    """Submit a request for your organization (requesters). Idempotent per `submission_token`."""
    token = data.pop("submission_token", None) or f"api-{secrets.token_hex(16)}"
    return submit_request(RequestDraft(**data), submission_token=token, actor=current_user)


@bp.route("/<reference>")
@anyone
@bp.response(200, RequestSchema)
def get_request(reference: str):
    """One request, if you may see it (404 otherwise, as on the pages)."""
    return get_visible_request(reference, actor=current_user)


@bp.route("/<reference>", methods=["PATCH"])
@anyone
@bp.arguments(RequestEditSchema)
@bp.response(200, RequestSchema)
def edit(data: dict, reference: str):
    """Change what a request says (staff, leads, admins; its requester until triage).

    Send the `version` you read: if someone changed the request since, the answer is 409."""
    ta_request = get_visible_request(reference, actor=current_user)
    version = data.pop("version")
    current = RequestEdit(
        title=ta_request.title,
        description=ta_request.description,
        topic_ids=[t.id for t in ta_request.topics],
        tier=ta_request.tier,
        urgency=ta_request.urgency,
        state=ta_request.state,
        preferred_mode=ta_request.preferred_mode,
        program_id=ta_request.program_id,
        needed_by=ta_request.needed_by,
    )
    edit_request(
        reference, dataclasses.replace(current, **data), actor=current_user, expected_version=version
    )
    return db.session.scalar(select(type(ta_request)).where(type(ta_request).reference == reference))
