"""The routing engine: rank staff for requests with a fixed number of SQL queries.

One query per factor, whatever the number of staff, requests or history: the staff
and their weighted loads (aggregated in SQL), topic matches, state coverage, program
support and absences. The rules themselves are in `scoring.py`. No web code here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.routing.models import (
    DEFAULTS,
    RoutingSettings,
    StaffAbsence,
    StaffExpertise,
    StaffProfile,
    StaffState,
    staff_program,
)
from tacenter.routing.scoring import Candidate, Fit, RequestFacts, StaffFacts, assess, rank
from tacenter.workflow.models import Assignment
from tacenter.workflow.rules import OPEN
from tacenter.workflow.services import ASSIGNABLE_ROLES

OPEN_STAGES = sorted(s.value for s in OPEN)


def current_settings() -> RoutingSettings:
    """The settings row, or the defaults (unsaved) when an admin never changed them."""
    return db.session.get(RoutingSettings, 1) or RoutingSettings(id=1, **DEFAULTS)


def load_expression(settings: RoutingSettings):
    """A request's weight in a caseload, by tier (SQL)."""
    return case(
        (TARequest.tier == "universal", settings.tier_universal),
        (TARequest.tier == "intensive", settings.tier_intensive),
        else_=settings.tier_targeted,
    )


def loads_subquery(settings: RoutingSettings):
    return (
        select(
            TARequest.assignee_id.label("user_id"),
            func.sum(load_expression(settings)).label("load"),
            func.count().label("open_count"),
        )
        .where(TARequest.stage.in_(OPEN_STAGES), TARequest.assignee_id.is_not(None))
        .group_by(TARequest.assignee_id)
        .subquery()
    )


def staff_facts(settings: RoutingSettings, user_ids: list[int] | None = None) -> list[StaffFacts]:
    """Every routable person (active, with an active profile) and their weighted load: one query."""
    loads = loads_subquery(settings)
    backup = aliased(User)
    query = (
        select(
            User.id,
            User.name,
            StaffProfile.capacity,
            func.coalesce(loads.c.load, 0),
            func.coalesce(loads.c.open_count, 0),
            backup.name,
        )
        .join(StaffProfile, StaffProfile.user_id == User.id)
        .outerjoin(loads, loads.c.user_id == User.id)
        .outerjoin(backup, backup.id == StaffProfile.backup_user_id)
        .where(User.active, User.role.in_(ASSIGNABLE_ROLES), StaffProfile.active)
        .order_by(User.name, User.id)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    return [
        StaffFacts(row[0], row[1], float(row[2]), float(row[3]), int(row[4]), None, row[5])
        for row in db.session.execute(query)
    ]


def last_assigned(user_ids: set[int]) -> dict[int, datetime]:
    """When each of these people last got a request: one query, an index probe per person."""
    latest = (
        select(func.max(Assignment.assigned_at))
        .where(Assignment.assignee_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    rows = db.session.execute(select(User.id, latest).where(User.id.in_(sorted(user_ids))))
    return {user_id: when for user_id, when in rows if when is not None}


def _break_ties(ranked: dict[int, list[Candidate]]) -> None:
    """Only people tied on score need the fair tie-break, so only they are looked up."""
    tied: set[int] = set()
    for candidates in ranked.values():
        seen: dict[float, int] = {}
        for candidate in candidates:
            if candidate.eligible:
                if candidate.score in seen:
                    tied.update((seen[candidate.score], candidate.user_id))
                seen[candidate.score] = candidate.user_id
    latest = last_assigned(tied)
    for request_id, candidates in ranked.items():
        for candidate in candidates:
            candidate.last_assigned_at = latest.get(candidate.user_id)
        ranked[request_id] = rank(candidates)


def request_facts(request_ids: list[int]) -> list[RequestFacts]:
    rows = db.session.execute(
        select(
            TARequest.id,
            TARequest.reference,
            TARequest.state,
            TARequest.program_id,
            GrantProgram.name,
            TARequest.tier,
            TARequest.needed_by,
            TARequest.version,
        )
        .outerjoin(GrantProgram, GrantProgram.id == TARequest.program_id)
        .where(TARequest.id.in_(request_ids))
    )
    return [RequestFacts(*row) for row in rows]


def _fits(requests: list[RequestFacts], today: date) -> dict[tuple[int, int], Fit]:
    """(request id, user id) -> Fit, from one query per factor."""
    ids = [r.id for r in requests]
    fits: dict[tuple[int, int], Fit] = defaultdict(Fit)
    topics = db.session.execute(
        select(ta_request_topic.c.ta_request_id, StaffExpertise.user_id, StaffExpertise.level, Topic.name)
        .join(StaffExpertise, StaffExpertise.topic_id == ta_request_topic.c.topic_id)
        .join(Topic, Topic.id == ta_request_topic.c.topic_id)
        .where(ta_request_topic.c.ta_request_id.in_(ids))
    )
    for request_id, user_id, level, name in topics:
        fits[request_id, user_id].topics.append((level, name))
    states = db.session.execute(
        select(TARequest.id, StaffState.user_id)
        .join(StaffState, StaffState.state == TARequest.state)
        .where(TARequest.id.in_(ids))
    )
    for request_id, user_id in states:
        fits[request_id, user_id].covers_state = True
    programs = db.session.execute(
        select(TARequest.id, staff_program.c.user_id)
        .join(staff_program, staff_program.c.program_id == TARequest.program_id)
        .where(TARequest.id.in_(ids))
    )
    for request_id, user_id in programs:
        fits[request_id, user_id].supports_program = True
    last_day = max([r.needed_by or today for r in requests] + [today])
    absences = db.session.execute(
        select(StaffAbsence.user_id, StaffAbsence.starts_on, StaffAbsence.ends_on).where(
            StaffAbsence.ends_on >= today, StaffAbsence.starts_on <= last_day
        )
    ).all()
    for request in requests:
        on = request.needed_by or today
        for user_id, starts, ends in absences:
            if starts <= on <= ends:
                fits[request.id, user_id].away = (starts, ends)
            if starts <= today <= ends:
                fits[request.id, user_id].away_today = (starts, ends)
    return fits


def rank_many(
    request_ids: list[int],
    *,
    today: date,
    settings: RoutingSettings | None = None,
    include_ineligible: bool = False,
) -> dict[int, list[Candidate]]:
    """Ranked candidates for each request: a fixed number of queries for any number of requests."""
    if not request_ids:
        return {}
    settings = settings or current_settings()
    requests = request_facts(request_ids)
    staff = staff_facts(settings)
    fits = _fits(requests, today)
    # When a topic match is required, people without one are skipped unless we must explain.
    skip_unmatched = settings.require_topic and not include_ineligible
    ranked = {}
    for request in requests:
        on = request.needed_by or today
        candidates = [
            assess(request, person, fits.get((request.id, person.user_id)) or Fit(), settings, on=on)
            for person in staff
            if not skip_unmatched or ((fit := fits.get((request.id, person.user_id))) and fit.topics)
        ]
        ranked[request.id] = candidates if include_ineligible else [c for c in candidates if c.eligible]
    _break_ties(ranked)
    return ranked


def rank_candidates(
    request_id: int, *, today: date, settings: RoutingSettings | None = None, include_ineligible=False
) -> list[Candidate]:
    """Eligible staff for one request, best first, each with the reasons in words."""
    return rank_many([request_id], today=today, settings=settings, include_ineligible=include_ineligible).get(
        request_id, []
    )
