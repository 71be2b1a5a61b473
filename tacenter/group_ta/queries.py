"""Read-only queries for the group TA pages: each a bounded number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from tacenter.accounts.models import Organization, User
from tacenter.catalog.cache import cached
from tacenter.catalog.models import Topic
from tacenter.extensions import db
from tacenter.group_ta.event_rows import EventRow, event_rows, read_rows, rows_statement
from tacenter.group_ta.models import (
    Collaborative,
    CollaborativeMember,
    Event,
    EventAttendance,
    EventFacilitator,
    EventMaterial,
    MembershipChange,
    event_topic,
)
from tacenter.group_ta.permissions import visible_events
from tacenter.intake.models import TARequest
from tacenter.outcomes.models import ObjectiveStatus, PlanObjective
from tacenter.vocab import STAFF_SIDE

PAGE = 100


@dataclass(frozen=True)
class EventFilters:
    event_type: str = ""
    topic: int | None = None
    facilitator: int | None = None
    start: date | None = None
    end: date | None = None


def events_for(actor: User, filters: EventFilters, *, limit: int = PAGE, table: bool = False) -> list:
    """The events `actor` may see, filtered, newest first (at most `limit`): ORM events, or with
    `table` the event tables' rows (event_rows.EventRow)."""
    query = visible_events(actor)
    if filters.event_type:
        query = query.where(Event.event_type == filters.event_type)
    if filters.topic is not None:
        query = query.where(
            Event.id.in_(select(event_topic.c.event_id).where(event_topic.c.topic_id == filters.topic))
        )
    if filters.facilitator is not None:
        query = query.where(
            Event.id.in_(
                select(EventFacilitator.event_id).where(EventFacilitator.user_id == filters.facilitator)
            )
        )
    if filters.start:
        query = query.where(Event.event_date >= filters.start)
    if filters.end:
        query = query.where(Event.event_date <= filters.end)
    query = query.order_by(Event.event_date.desc(), Event.id.desc()).limit(limit)
    return event_rows(query) if table else list(db.session.scalars(query))


@lru_cache(maxsize=8)
def _upcoming_statement(limit: int):
    """upcoming_for's statement, built once (every caseload view runs it): bind `user_id`, `today`."""
    mine = select(EventFacilitator.event_id).where(EventFacilitator.user_id == bindparam("user_id"))
    return rows_statement(
        select(Event)
        .where(Event.id.in_(mine), Event.event_date >= bindparam("today"), Event.status == "planned")
        .order_by(Event.event_date, Event.start_time, Event.id)
        .limit(limit)
    )


def upcoming_for(user: User, *, today: date, limit: int = 10) -> list[EventRow]:
    """The events a staff member facilitates from today on, soonest first (table rows)."""
    return read_rows(_upcoming_statement(limit), {"user_id": user.id, "today": today})


def attendance_of(event_id: int) -> list[EventAttendance]:
    return list(
        db.session.scalars(
            select(EventAttendance)
            .join(Organization, Organization.id == EventAttendance.organization_id)
            .where(EventAttendance.event_id == event_id)
            .order_by(Organization.name)
        )
    )


def materials_of(event_id: int) -> list[EventMaterial]:
    return list(
        db.session.scalars(
            select(EventMaterial).where(EventMaterial.event_id == event_id).order_by(EventMaterial.id)
        )
    )


def staff_people() -> list[tuple[int, str]]:
    """Active staff-side people, by name (kept per process until a name, role or active flag
    changes: tacenter/catalog/cache.py)."""
    return list(cached("group_ta_staff_people", _read_staff_people))


def _read_staff_people() -> tuple[tuple[int, str], ...]:
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.role.in_([r.value for r in STAFF_SIDE]), User.active)
        .order_by(User.name)
    )
    return tuple((uid, name) for uid, name in rows)


def all_topics() -> list[tuple[int, str]]:
    """Every topic, retired ones too (old events keep theirs), by name: kept with the catalog copy."""
    return list(cached("group_ta_all_topics", _read_all_topics))


def _read_all_topics() -> tuple[tuple[int, str], ...]:
    rows = db.session.execute(select(Topic.id, Topic.name).order_by(Topic.name))
    return tuple((topic_id, name) for topic_id, name in rows)


def organization_choices() -> list[tuple[int, str]]:
    return db.session.execute(select(Organization.id, Organization.name).order_by(Organization.name)).all()


@dataclass
class Progress:
    """A member's plan objectives (on its linked request) by status; not met and dropped count
    in the total only."""

    met: int = 0
    in_progress: int = 0
    not_started: int = 0
    total: int = 0

    def add(self, status: str, count: int) -> None:
        self.total += count
        if status == ObjectiveStatus.MET:
            self.met += count
        elif status == ObjectiveStatus.IN_PROGRESS:
            self.in_progress += count
        elif status == ObjectiveStatus.NOT_STARTED:
            self.not_started += count


@dataclass
class CohortGrid:
    sessions: list[Event]
    members: list[CollaborativeMember]
    cells: dict[tuple[int, int], int]  # (organization id, event id) -> participants
    history: list[MembershipChange]
    references: dict[int, str]  # each member's request id -> its reference
    progress: dict[int, Progress]  # each member's request id -> its plan objectives by status

    def sessions_attended(self, organization_id: int) -> int:
        return sum(1 for (org, _), n in self.cells.items() if org == organization_id and n)


def cohort_grid(collaborative: Collaborative) -> CohortGrid:
    """Members × sessions with each member's participants and objectives: five queries whatever
    the size."""
    sessions = list(
        db.session.scalars(
            select(Event)
            .where(Event.collaborative_id == collaborative.id)
            .order_by(Event.event_date, Event.id)
        )
    )
    members = list(
        db.session.scalars(
            select(CollaborativeMember)
            .join(Organization, Organization.id == CollaborativeMember.organization_id)
            .where(CollaborativeMember.collaborative_id == collaborative.id)
            .order_by(Organization.name)
        )
    )
    cells: dict[tuple[int, int], int] = defaultdict(int)
    rows = db.session.execute(
        select(EventAttendance.organization_id, EventAttendance.event_id, EventAttendance.participant_count)
        .join(Event, Event.id == EventAttendance.event_id)
        .where(Event.collaborative_id == collaborative.id)
    )
    for org_id, event_id, n in rows:
        cells[(org_id, event_id)] = n
    history = list(
        db.session.scalars(
            select(MembershipChange)
            .where(MembershipChange.collaborative_id == collaborative.id)
            .order_by(MembershipChange.created_at.desc(), MembershipChange.id.desc())
            .limit(50)
        )
    )
    references, progress = _member_requests([m.ta_request_id for m in members if m.ta_request_id])
    return CohortGrid(sessions, members, dict(cells), history, references, progress)


def _member_requests(request_ids: list[int]) -> tuple[dict[int, str], dict[int, Progress]]:
    """Each member request's reference and its objectives by status: one grouped query."""
    if not request_ids:
        return {}, {}
    rows = db.session.execute(
        select(TARequest.id, TARequest.reference, PlanObjective.status, func.count(PlanObjective.id))
        .outerjoin(PlanObjective, PlanObjective.ta_request_id == TARequest.id)
        .where(TARequest.id.in_(request_ids))
        .group_by(TARequest.id, TARequest.reference, PlanObjective.status)
    )
    references: dict[int, str] = {}
    progress: dict[int, Progress] = {}
    for request_id, reference, status, count in rows:
        references[request_id] = reference
        found = progress.setdefault(request_id, Progress())
        if status is not None:
            found.add(status, count)
    return references, progress
