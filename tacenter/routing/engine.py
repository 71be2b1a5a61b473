"""The routing engine: rank staff for requests with a fixed number of SQL queries.

One query per factor, whatever the number of staff, requests or history: the staff
and their weighted loads (aggregated in SQL), topic matches, state coverage, program
support, absences, and the last-assignment tie-break. The statements are built once
(the values are bound parameters); the rules themselves are in `scoring.py`. No web code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Integer,
    bindparam,
    case,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import aliased

from tacenter.accounts.models import User
from tacenter.catalog.cache import cached
from tacenter.catalog.models import GrantProgram
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.routing.fits import IDS, fits_of
from tacenter.routing.models import DEFAULTS, RoutingSettings, StaffProfile
from tacenter.routing.scoring import (
    Candidate,
    Fit,
    RequestFacts,
    Rules,
    StaffFacts,
    assess,
    cover_for_away,
    rank,
    why_no_one,
)
from tacenter.workflow.assignment import ASSIGNABLE_ROLES
from tacenter.workflow.models import Assignment


def current_settings() -> RoutingSettings:
    """The settings row, or the defaults (unsaved) when an admin never changed them."""
    with db.session.no_autoflush:  # a read of settings needs nothing pending written first
        return db.session.get(RoutingSettings, 1) or RoutingSettings(id=1, **DEFAULTS)


def settings_for_reading() -> RoutingSettings:
    """The settings as a detached copy kept per process until an admin changes them
    (tacenter/catalog/cache.py): for reads, never to be changed or added to a session."""
    return RoutingSettings(**settings_values())


def settings_values() -> dict:
    """The settings' values from the process's copy (read them, never change them)."""
    columns = [column.key for column in RoutingSettings.__table__.columns]

    def read() -> dict:
        settings = current_settings()  # one read, not one per column
        return {key: getattr(settings, key) for key in columns}

    return cached("routing_settings", read)


def load_params(settings: RoutingSettings) -> dict[str, float]:
    """The tier weights for statements that use `loads_subquery()`."""
    return {
        "w_universal": settings.tier_universal,
        "w_targeted": settings.tier_targeted,
        "w_intensive": settings.tier_intensive,
    }


def tier_weight():
    """What one request adds to its assignee's load, by tier (bind `load_params(settings)`).

    The one definition of load: routing, the team page and the caseload report all sum it."""
    return case(
        (TARequest.tier == "universal", bindparam("w_universal")),
        (TARequest.tier == "intensive", bindparam("w_intensive")),
        else_=bindparam("w_targeted"),
    )


# Unary "+" (a no-op on both databases) keeps SQLite from walking ix_ta_request_assignee_id for a
# GROUP BY of open requests by assignee, which visits every request ever assigned (340 ms at
# 50,000 requests); the covering index on (stage, assignee_id, tier) reads only the open ones.
OPEN_ASSIGNEE = literal_column("+ta_request.assignee_id", Integer)


def loads_subquery():
    """Each person's weighted open load and open count (bind `load_params(settings)`)."""
    weight = tier_weight()
    return (
        select(
            OPEN_ASSIGNEE.label("user_id"),
            func.sum(weight).label("load"),
            func.count().label("open_count"),
        )
        .select_from(TARequest)
        .where(TARequest.is_open(), TARequest.assignee_id.is_not(None))
        .group_by(OPEN_ASSIGNEE)
        .subquery()
    )


def _staff_statement():
    loads = loads_subquery()
    backup = aliased(User)
    return (
        select(
            User.id,
            User.name,
            StaffProfile.capacity,
            func.coalesce(loads.c.load, 0),
            func.coalesce(loads.c.open_count, 0),
            backup.name,
            StaffProfile.backup_user_id,
        )
        .join(StaffProfile, StaffProfile.user_id == User.id)
        .outerjoin(loads, loads.c.user_id == User.id)
        .outerjoin(backup, backup.id == StaffProfile.backup_user_id)
        .where(User.active, User.role.in_(ASSIGNABLE_ROLES), StaffProfile.active)
        .order_by(User.name, User.id)
    )


STAFF = _staff_statement()
REQUESTS = (
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
    .where(TARequest.id.in_(IDS))
)
# An index probe per person (ix_assignment_assignee_time), only for the people asked about.
LAST_ASSIGNED = select(
    User.id,
    select(func.max(Assignment.assigned_at))
    .where(Assignment.assignee_id == User.id)
    .correlate(User)
    .scalar_subquery(),
).where(User.id.in_(IDS))


def staff_facts(settings: RoutingSettings) -> list[StaffFacts]:
    """Every routable person (active, with an active profile) and their weighted load: one query."""
    return [
        StaffFacts(row[0], row[1], float(row[2]), float(row[3]), int(row[4]), None, row[5], row[6])
        for row in db.session.execute(STAFF, load_params(settings))
    ]


def request_facts(request_ids: list[int]) -> list[RequestFacts]:
    return [RequestFacts(*row) for row in db.session.execute(REQUESTS, {"ids": request_ids})]


def last_assigned(user_ids: set[int]) -> dict[int, datetime]:
    """When each of these people last got a request: one query (none for no one)."""
    if not user_ids:
        return {}
    rows = db.session.execute(LAST_ASSIGNED, {"ids": sorted(user_ids)})
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


def rank_many(
    request_ids: list[int],
    *,
    today: date,
    settings: RoutingSettings | None = None,
    include_ineligible: bool = False,
    why_none: dict[int, list[str]] | None = None,
    requests: list[RequestFacts] | None = None,
    staff: list[StaffFacts] | None = None,
    topic_names: dict[int, list[str]] | None = None,
) -> dict[int, list[Candidate]]:
    """Ranked candidates for each request: a fixed number of queries for any number of requests.

    Pass a dict as `why_none` to get, for each request no one is eligible for, why not; pass the
    requests' facts and the staff's when the page has read them already (triage), and a dict as
    `topic_names` to get each request's topics by name with the fits (triage lists them)."""
    if not request_ids:
        return {}
    settings = settings or current_settings()
    requests = request_facts(request_ids) if requests is None else requests
    staff = staff_facts(settings) if staff is None else staff
    fits = fits_of(requests, today, topic_names)
    # When a topic match is required, people without one are skipped unless we must explain.
    skip_unmatched = settings.require_topic and not include_ineligible
    rules = Rules.of(settings)
    ranked = {}
    for request in requests:
        on = request.needed_by or today
        candidates = [
            assess(request, person, fits.get((request.id, person.user_id)) or Fit(), rules, on=on)
            for person in staff
            if not skip_unmatched or ((fit := fits.get((request.id, person.user_id))) and fit.topics)
        ]
        cover_for_away(candidates)
        eligible = [c for c in candidates if c.eligible]
        if why_none is not None and not eligible:
            why_none[request.id] = why_no_one(candidates, unmatched=len(staff) - len(candidates))
        ranked[request.id] = candidates if include_ineligible else eligible
    _break_ties(ranked)
    return ranked


def rank_candidates(
    request_id: int, *, today: date, settings: RoutingSettings | None = None, include_ineligible=False
) -> list[Candidate]:
    """Eligible staff for one request, best first, each with the reasons in words."""
    return rank_many([request_id], today=today, settings=settings, include_ineligible=include_ineligible).get(
        request_id, []
    )
