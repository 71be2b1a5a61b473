"""Timeliness targets and where a request stands against them.

The one definition of "on time", used by the request page, the queue, the dashboard,
the reports and the reminders: a milestone is on time when the business days it took
(net of days waiting on the requester, as stored in `days_to_*`) are no more than the
target for the request's tier and urgency (`on_time`); a delivery with a needed-by date
is on time on or before that date. queries.target_days is the same rule in SQL.

`assess` is a pure function of a request's milestones, its target and `now`: no
database, so it is tested across weekends and holidays with injected time. Time
waiting on the requester does not count: the due dates move out by the business
days spent waiting (finished waits in `waiting_days`, the current one from
`waiting_since`).
"""

from __future__ import annotations

import enum
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

from tacenter.timeliness.business_days import (
    add_business_days,
    business_dates_after,
    business_days_between,
    local_date,
)
from tacenter.vocab import Tier, Urgency


@dataclass(frozen=True)
class Target:
    first_response_days: int
    assignment_days: int
    delivery_days: int


# (urgency) -> target; intensive TA takes longer to deliver, universal TA less.
_BY_URGENCY = {
    Urgency.URGENT: Target(1, 2, 10),
    Urgency.SOON: Target(2, 4, 20),
    Urgency.ROUTINE: Target(2, 5, 30),
}
_DELIVERY_BY_TIER = {Tier.UNIVERSAL: -5, Tier.TARGETED: 0, Tier.INTENSIVE: 30}

DEFAULTS: dict[tuple[str, str], Target] = {
    (tier.value, urgency.value): Target(
        base.first_response_days, base.assignment_days, base.delivery_days + _DELIVERY_BY_TIER[tier]
    )
    for tier in Tier
    for urgency, base in _BY_URGENCY.items()
}


class Standing(enum.StrEnum):
    MET = "met"
    MISSED = "missed"  # done, but after its due date
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    FINISHED = "finished"  # the request ended before this milestone

    @property
    def label(self) -> str:
        return {
            "met": "Met",
            "missed": "Met late",
            "on_track": "On track",
            "at_risk": "At risk",
            "late": "Late",
            "finished": "Not needed",
        }[self.value]


@dataclass(frozen=True)
class Milestone:
    name: str
    label: str
    due: date
    done_at: datetime | None
    standing: Standing


@dataclass(frozen=True)
class Assessment:
    milestones: list[Milestone]
    standing: Standing  # the worst open standing, or FINISHED when nothing is open

    @property
    def label(self) -> str:
        return self.standing.label if self.standing != Standing.FINISHED else "Finished"


_ORDER = [Standing.LATE, Standing.AT_RISK, Standing.ON_TRACK]


def paused_days(ta_request, now: datetime, tz: str) -> int:
    """Business days spent waiting on the requester so far, including a current wait."""
    days = ta_request.waiting_days or 0
    if ta_request.waiting_since is not None:
        days += business_days_between(ta_request.waiting_since, now, tz=tz)
    return days


def at_risk_margin(target_days: int) -> int:
    """How many business days before its due date a milestone counts as at risk."""
    return max(1, target_days // 5)


def on_time(days_taken: int, target_days: int) -> bool:
    """The center's one definition of on time (see the module docstring)."""
    return days_taken <= target_days


def _standing(taken: int, target_days: int, *, done: bool, finished: bool) -> Standing:
    """Standing from business days taken so far (or to the milestone, when done)."""
    if done:
        return Standing.MET if on_time(taken, target_days) else Standing.MISSED
    if finished:
        return Standing.FINISHED
    if not on_time(taken, target_days):
        return Standing.LATE
    return Standing.AT_RISK if target_days - taken <= at_risk_margin(target_days) else Standing.ON_TRACK


def _by_date(due: date, done_at, *, finished: bool, margin: int, now: datetime, tz: str) -> Standing:
    """A delivery promised for a needed-by date: on time on or before that date."""
    if done_at is not None:
        return Standing.MET if local_date(done_at, tz) <= due else Standing.MISSED
    if finished:
        return Standing.FINISHED
    today = local_date(now, tz)
    if today > due:
        return Standing.LATE
    return Standing.AT_RISK if business_dates_after(today, due) <= margin else Standing.ON_TRACK


def assess(ta_request, target: Target, *, now: datetime, tz: str) -> Assessment:
    """Where `ta_request` stands against `target` at `now` (pure; see the module docstring)."""
    finished = ta_request.finished_at is not None
    # A finished request stops the clock where it ended.
    clock = ta_request.finished_at if finished else now
    pause = paused_days(ta_request, clock, tz)
    submitted = ta_request.submitted_at
    elapsed = max(0, business_days_between(submitted, clock, tz=tz) - pause)

    def due_in(days: int) -> date:
        return add_business_days(submitted, days + pause, tz=tz)

    def taken(done_at, stored) -> int:
        if done_at is None:
            return elapsed
        if stored is not None:
            return stored
        return max(0, business_days_between(submitted, done_at, tz=tz) - (ta_request.waiting_days or 0))

    milestones = []
    for name, label, done_at, stored, days in (
        ("first_response", "First response", ta_request.first_response_at,
         getattr(ta_request, "days_to_first_response", None), target.first_response_days),
        ("assignment", "Assignment", ta_request.assigned_at, getattr(ta_request, "days_to_assignment", None),
         target.assignment_days),
        ("delivery", "Delivery", ta_request.delivered_at, getattr(ta_request, "days_to_delivery", None),
         target.delivery_days),
    ):  # fmt: skip
        if name == "delivery" and ta_request.needed_by:
            due = ta_request.needed_by
            standing = _by_date(due, done_at, finished=finished, margin=at_risk_margin(days), now=now, tz=tz)
        else:
            due = due_in(days)
            standing = _standing(taken(done_at, stored), days, done=done_at is not None, finished=finished)
        milestones.append(Milestone(name, label, due, done_at, standing))
    open_standings = [m.standing for m in milestones if m.standing in _ORDER]
    standing = min(open_standings, key=_ORDER.index) if open_standings else Standing.FINISHED
    return Assessment(milestones, standing)


# What assess reads of a request. It reads `now` only as the center's local date (business
# days count dates), so an assessment is the same all day long for the same facts.
_FACTS = (
    "submitted_at", "finished_at", "waiting_since", "waiting_days", "first_response_at", "assigned_at",
    "delivered_at", "needed_by", "days_to_first_response", "days_to_assignment", "days_to_delivery",
)  # fmt: skip
_Facts = namedtuple("_Facts", _FACTS)
_read_facts = attrgetter(*_FACTS)


def assess_kept(ta_request, target: Target, *, now: datetime, tz: str) -> Assessment:
    """assess(), kept per request facts, target and local day: a list shows the same rows'
    standings on every view, and each assessment cost more than writing its row."""
    try:
        facts = _read_facts(ta_request)  # in C: a list reads 25 rows of eleven facts per view
    except AttributeError:  # a row without the kept milestone counts: assess counts them
        facts = tuple(getattr(ta_request, name, None) for name in _FACTS)
    return _assess_on(_Facts(*facts), target, local_date(now, tz), tz)


@lru_cache(maxsize=8192)
def _assess_on(facts: _Facts, target: Target, today: date, tz: str) -> Assessment:
    noon = datetime.combine(today, time(12), ZoneInfo(tz))  # any moment of that local day
    return assess(facts, target, now=noon, tz=tz)
