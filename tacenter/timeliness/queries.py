"""Read-only: the targets in force (admin rows over the defaults), each request's standing, and
the same "on time" rule (targets.on_time) as SQL for the dashboard and reports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, false, or_, select

from tacenter.catalog.cache import cached
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.timeliness.business_days import business_days_between
from tacenter.timeliness.models import TimelinessTarget
from tacenter.timeliness.targets import DEFAULTS, Assessment, Target, assess_kept

DAYS_TAKEN = {
    "first_response_days": TARequest.days_to_first_response,
    "assignment_days": TARequest.days_to_assignment,
    "delivery_days": TARequest.days_to_delivery,
}


def targets_table() -> dict[tuple[str, str], Target]:
    """Every (tier, urgency) with its target: at most nine rows, kept per process until an
    admin changes one (tacenter/catalog/cache.py)."""
    return dict(cached("timeliness_targets", _load_targets))


def _load_targets() -> dict[tuple[str, str], Target]:
    table = dict(DEFAULTS)
    for row in db.session.scalars(select(TimelinessTarget)):
        table[(row.tier, row.urgency)] = Target(
            row.first_response_days, row.assignment_days, row.delivery_days
        )
    return table


def target_for(ta_request, table: dict | None = None) -> Target:
    table = table if table is not None else targets_table()
    return table.get((ta_request.tier, ta_request.urgency), DEFAULTS[("targeted", "routine")])


def assess_requests(ta_requests, *, now: datetime | None = None) -> dict[int, Assessment]:
    """Standing of each request by id, with one query for the targets."""
    now = now or utcnow()
    table = targets_table()
    tz = current_app.config["CENTER_TIMEZONE"]
    return {r.id: assess_kept(r, target_for(r, table), now=now, tz=tz) for r in ta_requests}


def target_days(name: str, table: dict | None = None) -> ColumnElement:
    """The target in business days (`name`: a Target field) of each request, as a SQL CASE over
    its tier and urgency: at most nine branches, no join."""
    table = table if table is not None else targets_table()
    fallback = getattr(DEFAULTS[("targeted", "routine")], name)
    return case(
        *(
            (and_(TARequest.tier == tier, TARequest.urgency == urgency), getattr(target, name))
            for (tier, urgency), target in sorted(table.items())
        ),
        else_=fallback,
    )


def met_target(name: str, table: dict | None = None) -> ColumnElement:
    """SQL for targets.on_time: the milestone was reached within the request's target."""
    return DAYS_TAKEN[name] <= target_days(name, table)


def missed_target(name: str, table: dict | None = None) -> ColumnElement:
    return DAYS_TAKEN[name] > target_days(name, table)


def first_response_overdue(now: datetime, tz: str, table: dict | None = None) -> ColumnElement:
    """Still awaiting a first response and past the request's target now (assess's LATE)."""
    table = table if table is not None else targets_table()
    by_days: dict[int, list[tuple[str, str]]] = {}
    for key, target in table.items():
        by_days.setdefault(target.first_response_days, []).append(key)
    awaited = TARequest.first_response_at.is_(None)
    groups = [
        and_(
            or_(*(and_(TARequest.tier == t, TARequest.urgency == u) for t, u in keys)),
            TARequest.submitted_at < late_cutoff(now, tz, days),
        )
        for days, keys in sorted(by_days.items())
    ]
    return and_(awaited, or_(*groups)) if groups else false()


def late_cutoff(now: datetime, tz: str, target: int) -> datetime:
    """Requests submitted before this instant and still without a response are past `target` now.

    A request submitted on local date d is overdue when more than `target` business days
    passed from d to today; that holds for every d up to some last date, found here.
    """
    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date()
    while business_days_between(_noon(day, zone), now, tz=tz) <= target:
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(now.tzinfo)


def _noon(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), zone)
