"""Read-only queries for the triage, caseload and team pages: a fixed number per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Date, Integer, Row, bindparam, cast, func, select, union_all
from sqlalchemy.orm import aliased

from tacenter.accounts.models import User
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import requests_in_scope
from tacenter.routing import engine
from tacenter.routing.cover import covers_query
from tacenter.routing.models import RoutingSettings, StaffAbsence, StaffProfile
from tacenter.routing.scoring import number
from tacenter.workflow.assignment import ASSIGNABLE_ROLES
from tacenter.workflow.rules import Stage

DUE_SOON_DAYS = 14
# Stages where the next move is the assignee's: not started yet, or delivered and not closed.
NEEDS_ACTION = {Stage.ASSIGNED.value: "Not started", Stage.DELIVERED.value: "Delivered, not closed"}


# Statements built once, at import, as engine.py's are: the tier weights are bound at execution.
_LOADS = engine.loads_subquery()
_BACKUP = aliased(User, name="backup")
STAFF_OPTIONS = (
    select(User.id, User.name, StaffProfile.capacity, _LOADS.c.load)
    .outerjoin(StaffProfile, StaffProfile.user_id == User.id)
    .outerjoin(_LOADS, _LOADS.c.user_id == User.id)
    .where(User.active, User.role.in_(ASSIGNABLE_ROLES))
    .order_by(User.name, User.id)
)
TEAM = (
    select(
        User.id,
        User.name,
        User.role,
        StaffProfile.user_id,
        StaffProfile.capacity,
        func.coalesce(_LOADS.c.load, 0),
        func.coalesce(_LOADS.c.open_count, 0),
        _BACKUP.name,
    )
    .outerjoin(StaffProfile, StaffProfile.user_id == User.id)
    .outerjoin(_LOADS, _LOADS.c.user_id == User.id)
    .outerjoin(_BACKUP, _BACKUP.id == StaffProfile.backup_user_id)
    .where(User.active, User.role.in_(ASSIGNABLE_ROLES))
    .order_by(User.name, User.id)
)


def option(uid: int, name: str, cap, load) -> tuple[int, str]:
    return uid, f"{name} ({number(load or 0)} of {number(cap)})" if cap is not None else name


def staff_options(settings: RoutingSettings) -> list[tuple[int, str]]:
    """Everyone assignable, with their load where they have a profile: one query."""
    rows = db.session.execute(STAFF_OPTIONS, engine.load_params(settings))
    return [option(uid, name, cap, load) for uid, name, cap, load in rows]


@dataclass
class Caseload:
    """Rows of _CASELOAD_COLUMNS (a request's table columns and its assignee's name)."""

    requests: list[Row]
    by_stage: dict[str, list[Row]] = field(default_factory=dict)
    needing_action: list[Row] = field(default_factory=list)
    due_soon: list[Row] = field(default_factory=list)
    stalled: list[Row] = field(default_factory=list)
    # (name of the colleague away, their request): what needs action while this person covers.
    covering: list[tuple[str, Row]] = field(default_factory=list)


# Built once (statements cost more to build than to run): the person, and the colleagues away on
# the day whom they cover (the cover rule's own query). Bind `caseload_user` and `cover_day`.
_CASELOAD_USER = bindparam("caseload_user", type_=Integer)
_COVERED = covers_query(bindparam("cover_day", type_=Date), backup_id=_CASELOAD_USER).subquery()
# A join, not an IN: SQLite then reads each person's open requests by the (stage, assignee)
# index, where with IN it walked every open request to skip a sort of a few dozen rows.
_WHO = union_all(select(cast(_CASELOAD_USER, Integer).label("user_id")), select(_COVERED.c[0])).subquery()
# What the caseload tables show, as plain rows (no ORM objects: a caseload is dozens of them).
_CASELOAD_COLUMNS = (
    TARequest.id, TARequest.reference, TARequest.title, TARequest.stage, TARequest.needed_by,
    TARequest.updated_at, TARequest.version, TARequest.assignee_id, TARequest.submitted_at,
    User.name.label("assignee_name"),
)  # fmt: skip


@lru_cache(maxsize=64)
def _open_statement(role: str, organization_id: int | None, active: bool):
    """The caseload's statement per reader's scope (visible_requests): built once, not per view."""
    return (
        requests_in_scope(role, organization_id, active)
        .with_only_columns(*_CASELOAD_COLUMNS)
        .join(_WHO, _WHO.c.user_id == TARequest.assignee_id)
        .join(User, User.id == TARequest.assignee_id)
        .where(TARequest.is_open())
        .order_by(TARequest.submitted_at.asc(), TARequest.id.asc())
    )


def _open_of(user_id: int, actor: User, *, today: date) -> list:
    """Open requests of `user_id` and of the colleagues away `today` whom they cover, each with
    its assignee's name, in one query."""
    query = _open_statement(actor.role, actor.organization_id, actor.active)
    return list(db.session.execute(query, {"caseload_user": user_id, "cover_day": today}))


def _sort(rows: list[Row], *, now: datetime, stalled_days: int) -> Caseload:
    result = Caseload(requests=rows)
    soon = now.date() + timedelta(days=DUE_SOON_DAYS)
    stale_before = now - timedelta(days=stalled_days)
    for ta_request in rows:
        result.by_stage.setdefault(ta_request.stage, []).append(ta_request)
        if ta_request.stage in NEEDS_ACTION:
            result.needing_action.append(ta_request)
        if ta_request.needed_by is not None and ta_request.needed_by <= soon:
            result.due_soon.append(ta_request)
        # Waiting on the requester pauses the clock: not stalled.
        if ta_request.stage != Stage.WAITING_ON_REQUESTER.value and ta_request.updated_at < stale_before:
            result.stalled.append(ta_request)
    result.due_soon.sort(key=lambda r: r.needed_by)
    return result


def caseload(user_id: int, *, actor: User, now: datetime, stalled_days: int) -> Caseload:
    """A person's open requests, sorted into what needs them, and what needs action on the
    caseloads of colleagues away today whom they back up: one query."""
    rows = _open_of(user_id, actor, today=now.date())
    result = _sort([r for r in rows if r.assignee_id == user_id], now=now, stalled_days=stalled_days)
    away_names = {r.assignee_id: r.assignee_name for r in rows if r.assignee_id != user_id}
    if away_names:
        theirs = _sort([r for r in rows if r.assignee_id != user_id], now=now, stalled_days=stalled_days)
        needing = {r.id: r for r in theirs.needing_action + theirs.due_soon + theirs.stalled}
        result.covering = [(away_names[r.assignee_id], r) for r in theirs.requests if r.id in needing]
    return result


@dataclass
class TeamRow:
    user_id: int
    name: str
    role: str
    has_profile: bool
    capacity: float | None
    load: float
    open_count: int
    away: tuple[date, date] | None = None
    next_away: tuple[date, date] | None = None
    backup_name: str | None = None
    oldest_reference: str | None = None
    oldest_submitted_at: datetime | None = None
    hours: float = 0.0  # TA activity hours delivered in the page's period

    @property
    def share(self) -> float:
        if not self.capacity:
            return 0.0 if not self.load else 9.99
        return self.load / self.capacity

    @property
    def load_text(self) -> str:
        if self.capacity is None:
            return f"{number(self.load)} (no profile)"
        return f"{number(self.load)} of {number(self.capacity)}"


def team(settings: RoutingSettings, *, today: date, hours_from: date, hours_to: date) -> list[TeamRow]:
    """Each assignable person's weighted load against capacity, availability, oldest open
    item and hours delivered from `hours_from` to `hours_to` (both included): four queries,
    whatever the team's, the caseloads' or the activity log's size."""
    rows = db.session.execute(TEAM, engine.load_params(settings))
    team_rows = {
        r[0]: TeamRow(r[0], r[1], r[2], r[3] is not None, r[4], float(r[5]), int(r[6]), backup_name=r[7])
        for r in rows
    }
    absences = db.session.execute(
        select(StaffAbsence.user_id, StaffAbsence.starts_on, StaffAbsence.ends_on)
        .where(StaffAbsence.ends_on >= today)
        .order_by(StaffAbsence.starts_on)
    )
    for user_id, starts, ends in absences:
        row = team_rows.get(user_id)
        if row is None:
            continue
        if starts <= today and row.away is None:
            row.away = (starts, ends)
        elif starts > today and row.next_away is None:
            row.next_away = (starts, ends)
    ranked = (
        select(
            TARequest.assignee_id,
            TARequest.reference,
            TARequest.submitted_at,
            func.row_number()
            .over(partition_by=TARequest.assignee_id, order_by=(TARequest.submitted_at, TARequest.id))
            .label("n"),
        )
        .where(TARequest.is_open(), TARequest.assignee_id.is_not(None))
        .subquery()
    )
    oldest = db.session.execute(
        select(ranked.c.assignee_id, ranked.c.reference, ranked.c.submitted_at).where(ranked.c.n == 1)
    )
    for user_id, reference, submitted_at in oldest:
        if (row := team_rows.get(user_id)) is not None:
            row.oldest_reference, row.oldest_submitted_at = reference, submitted_at
    for user_id, hours in db.session.execute(hours_delivered(hours_from, hours_to)):
        if (row := team_rows.get(user_id)) is not None:
            row.hours = float(hours)
    return list(team_rows.values())


def hours_delivered(first: date, last: date):
    """(staff id, hours) of TA activities dated `first` to `last`; deleted ones are left out,
    as in the reports (the covering index ix_ta_activity_date_figures answers it alone)."""
    return (
        select(TAActivity.staff_id, func.sum(TAActivity.hours))
        .where(
            TAActivity.activity_date >= first,
            TAActivity.activity_date <= last,
            TAActivity.deleted_at.is_(None),
            TAActivity.staff_id.is_not(None),
        )
        .group_by(TAActivity.staff_id)
    )


def profile_of(user_id: int) -> StaffProfile | None:
    return db.session.get(StaffProfile, user_id)


def absences_of(user_id: int, *, today: date) -> list[StaffAbsence]:
    return list(
        db.session.scalars(
            select(StaffAbsence)
            .where(StaffAbsence.user_id == user_id, StaffAbsence.ends_on >= today)
            .order_by(StaffAbsence.starts_on)
        )
    )


def profiles_overview() -> list[tuple[User, StaffProfile | None]]:
    """Every assignable person and their profile (expertise, states, programs eager-loaded)."""
    users = list(
        db.session.scalars(
            select(User).where(User.role.in_(ASSIGNABLE_ROLES)).order_by(User.active.desc(), User.name)
        )
    )
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(StaffProfile).where(StaffProfile.user_id.in_([u.id for u in users]))
        )
    }
    return [(u, profiles.get(u.id)) for u in users]
