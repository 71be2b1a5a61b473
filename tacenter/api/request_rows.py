"""The API's request list as plain rows for RequestSchema, not ORM entities.

A page of 25 TA requests loaded as entities (each with its organization, requester, assignee,
program and topics joined in) cost a third of the list's time in building and identity-mapping
objects nobody changes. Here the same columns come as result rows, the related records as
{id, name} pairs (the schema's Ref), and the topics by one more statement, as the relationship's
selectin load read them (by name). marshmallow serializes what it is given, so the JSON is the same.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic

REQUESTER, ASSIGNEE = aliased(User, name="requester"), aliased(User, name="assignee")
# RequestSchema's own fields, read from the request's columns.
OWN = (
    "id", "reference", "title", "description", "desired_outcome", "stage", "state", "tier", "urgency",
    "preferred_mode", "needed_by", "submitted_at", "updated_at", "version", "grant_id", "goal_met",
    "outcome_summary", "closing_reason", "referred_to",
)  # fmt: skip
# Its related records: (field, id column, name column).
RELATED = (
    ("organization", TARequest.organization_id, Organization.name),
    ("requester", TARequest.requester_id, REQUESTER.name),
    ("assignee", TARequest.assignee_id, ASSIGNEE.name),
    ("program", TARequest.program_id, GrantProgram.name),
)
COLUMNS = (
    *(getattr(TARequest, name) for name in OWN),
    *(c for field, id_column, name_column in RELATED
      for c in (id_column.label(f"{field}_id"), name_column.label(f"{field}_name"))),
)  # fmt: skip
TOPICS = (
    select(ta_request_topic.c.ta_request_id, Topic.id, Topic.name)
    .join(Topic, Topic.id == ta_request_topic.c.topic_id)
    .order_by(Topic.name)
)


def page_rows(query: Select, limit: int) -> list[SimpleNamespace]:
    """The first `limit` requests of `query` (a select of TARequest with its filters and order),
    as RequestSchema reads them: two statements whatever the page's size."""
    rows = db.session.execute(
        query.with_only_columns(*COLUMNS)
        .join(Organization, Organization.id == TARequest.organization_id)
        .join(REQUESTER, REQUESTER.id == TARequest.requester_id)
        .outerjoin(ASSIGNEE, ASSIGNEE.id == TARequest.assignee_id)
        .outerjoin(GrantProgram, GrantProgram.id == TARequest.program_id)
        .limit(limit)
    ).all()
    topics: dict[int, list[dict]] = {row.id: [] for row in rows}
    if rows:
        for request_id, topic_id, name in db.session.execute(
            TOPICS.where(ta_request_topic.c.ta_request_id.in_(list(topics)))
        ):
            topics[request_id].append({"id": topic_id, "name": name})
    return [_request(row, topics[row.id]) for row in rows]


def _request(row, topics: list[dict]) -> SimpleNamespace:
    values = {name: getattr(row, name) for name in OWN}
    for field, _, _ in RELATED:
        record_id = getattr(row, f"{field}_id")
        values[field] = (
            None if record_id is None else {"id": record_id, "name": getattr(row, f"{field}_name")}
        )
    return SimpleNamespace(**values, topics=topics)
