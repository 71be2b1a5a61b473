"""Read-only queries for the queue and the request page.

Every filter and sort key is allow-listed here; nothing from the query string
reaches the ORM unchecked.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, func, literal_column, or_, select

from tacenter.accounts.models import Organization, User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.intake.permissions import visible_requests
from tacenter.intake.table import page_select
from tacenter.kept import kept_in_app
from tacenter.vocab import STATES, OrgType, Tier, Urgency
from tacenter.workflow.models import Assignment, StageChange
from tacenter.workflow.rules import Stage

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
    # From the dashboard's links: the requests behind a figure.
    tier: str = ""
    org_type: str = ""
    urgency: str = ""
    due: str = ""  # "overdue" or "week": needed-by relative to the center's today
    submitted_from: str = ""  # local dates, YYYY-MM-DD, both ends included
    submitted_to: str = ""
    finished_from: str = ""
    finished_to: str = ""


MAX_ID = 2**31 - 1  # the id columns' range: a bigger number would make PostgreSQL raise, not match nothing


def _int(value: str) -> int | None:
    """An id from a filter, or None (no such filter) for anything that cannot be one."""
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _local_midnight(value: str, *, next_day: bool = False) -> datetime | None:
    """The UTC instant a local date starts (or the next one does); None for anything not a date."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    day += timedelta(days=1) if next_day else timedelta()
    return datetime.combine(day, time(), ZoneInfo(current_app.config["CENTER_TIMEZONE"])).astimezone(UTC)


def _date_filters(query, filters: QueueFilters):
    for column, start, end in (
        (TARequest.submitted_at, filters.submitted_from, filters.submitted_to),
        (TARequest.finished_at, filters.finished_from, filters.finished_to),
    ):
        if (lo := _local_midnight(start)) is not None:
            query = query.where(column >= lo)
        if (hi := _local_midnight(end, next_day=True)) is not None:
            query = query.where(column < hi)
    return query


def _center_today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["CENTER_TIMEZONE"])).date()


def _due_filter(query, due: str):
    """Saved views keep "due this week", not dates: the window moves with today."""
    if due not in ("overdue", "week"):
        return query
    today = _center_today()
    if due == "overdue":
        return query.where(TARequest.needed_by < today)
    return query.where(TARequest.needed_by >= today, TARequest.needed_by < today + timedelta(days=7))


def queue_query(actor: User, filters: QueueFilters) -> Select[tuple[TARequest]]:
    query = _due_filter(_date_filters(visible_requests(actor), filters), filters.due)
    if filters.urgency in {u.value for u in Urgency}:
        query = query.where(TARequest.urgency == filters.urgency)
    if filters.tier in {t.value for t in Tier}:
        query = query.where(TARequest.tier == filters.tier)
    if filters.org_type in {t.value for t in OrgType}:
        query = query.where(
            TARequest.organization_id.in_(
                select(Organization.id).where(Organization.org_type == filters.org_type)
            )
        )
    if filters.stage == "all":
        pass
    elif filters.stage in Stage.__members__.values():
        query = query.where(TARequest.stage == filters.stage)
    else:
        query = query.where(TARequest.is_open())
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


KEPT_MAX = 512  # statements kept per app, emptied when full (free-text searches make many)


def kept_queue_page(actor: User, filters: QueueFilters) -> tuple[Select, Select]:
    """`queue_query(actor, filters)` and its page statement (table.page_select), built once per
    reader's scope and filters: building a select of a dozen clauses, its joins and its total
    cost the queue more than its SQL did. The key holds all the statement depends on: who reads
    (visible_requests, "assigned to me"), the filters, the center's day and time zone."""
    tz = current_app.config["CENTER_TIMEZONE"]
    key = (actor.id, actor.role, actor.organization_id, actor.active, astuple(filters), tz,
           _center_today() if filters.due else None)  # fmt: skip

    def build() -> tuple[Select, Select]:
        query = queue_query(actor, filters)
        return query, page_select(query)

    return kept_in_app("queue_statements", key, build, limit=KEPT_MAX)


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
