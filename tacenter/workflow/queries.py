"""Read-only queries for the queue and the request page.

Every filter and sort key is allow-listed here; nothing from the query string
reaches the ORM unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, or_, select

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.intake.permissions import visible_requests
from tacenter.vocab import STATES
from tacenter.workflow.models import Assignment, StageChange
from tacenter.workflow.rules import OPEN, Stage

SORT_COLUMNS = {
    "newest": (TARequest.submitted_at.desc(), TARequest.id.desc()),
    "oldest": (TARequest.submitted_at.asc(), TARequest.id.asc()),
    "needed_by": (TARequest.needed_by.asc().nulls_last(), TARequest.id.asc()),
    "updated": (TARequest.updated_at.desc(), TARequest.id.desc()),
}


@dataclass
class QueueFilters:
    q: str = ""
    stage: str = ""  # "" = any open stage, "all" = any stage
    topic: str = ""
    state: str = ""
    program: str = ""
    assignee: str = ""  # a user id, "none" for unassigned, "me"
    sort: str = "oldest"


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def queue_query(actor: User, filters: QueueFilters) -> Select[tuple[TARequest]]:
    query = visible_requests(actor)
    if filters.stage == "all":
        pass
    elif filters.stage in Stage.__members__.values():
        query = query.where(TARequest.stage == filters.stage)
    else:
        query = query.where(TARequest.stage.in_([s.value for s in OPEN]))
    if (topic_id := _int(filters.topic)) is not None:
        query = query.where(
            TARequest.id.in_(
                select(ta_request_topic.c.ta_request_id).where(ta_request_topic.c.topic_id == topic_id)
            )
        )
    if filters.state in STATES:
        query = query.where(TARequest.state == filters.state)
    if (program_id := _int(filters.program)) is not None:
        query = query.where(TARequest.program_id == program_id)
    if filters.assignee == "none":
        query = query.where(TARequest.assignee_id.is_(None))
    elif filters.assignee == "me":
        query = query.where(TARequest.assignee_id == actor.id)
    elif (assignee_id := _int(filters.assignee)) is not None:
        query = query.where(TARequest.assignee_id == assignee_id)
    if filters.q.strip():
        query = query.where(_matches_words(filters.q.strip()[:200]))
    return query.order_by(*SORT_COLUMNS.get(filters.sort, SORT_COLUMNS["oldest"]))


def _matches_words(words: str):
    """Title, description, reference and replies (never internal notes, for anyone).

    PostgreSQL: full-text search on the GIN-indexed expressions of conversation.models;
    elsewhere (SQLite) a case-insensitive substring match.
    """
    from tacenter.conversation.models import Message, MessageKind, english_document

    replies = select(Message.ta_request_id).where(Message.kind == MessageKind.REPLY.value)
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = func.plainto_tsquery(literal_column("'english'::regconfig"), words)
        return or_(
            english_document(TARequest.title, TARequest.description).op("@@")(tsquery),
            TARequest.reference.ilike(pattern, escape="\\"),
            TARequest.id.in_(replies.where(english_document(Message.body).op("@@")(tsquery))),
        )
    return or_(
        TARequest.title.ilike(pattern, escape="\\"),
        TARequest.description.ilike(pattern, escape="\\"),
        TARequest.reference.ilike(pattern, escape="\\"),
        TARequest.id.in_(replies.where(Message.body.ilike(pattern, escape="\\"))),
    )


def stage_history(ta_request: TARequest) -> list[StageChange]:
    return list(
        db.session.scalars(
            select(StageChange)
            .where(StageChange.ta_request_id == ta_request.id)
            .order_by(StageChange.created_at, StageChange.id)
        )
    )


def assignment_history(ta_request: TARequest) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.ta_request_id == ta_request.id)
            .order_by(Assignment.assigned_at, Assignment.id)
        )
    )
