"""Default targets and capacity until the center keeps them in tables (one place to repoint)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tacenter.timeliness.business_days import business_days_between

FIRST_RESPONSE_TARGET_DAYS = 2  # business days from submission to the center's first response
ASSIGNMENT_TARGET_DAYS = 5  # business days from submission to assignment
DEFAULT_CAPACITY_OPEN_REQUESTS = 12  # open requests one staff member can carry (no profile table yet)


def late_cutoff(now: datetime, tz: str, target: int = FIRST_RESPONSE_TARGET_DAYS) -> datetime:
    """Requests submitted before this instant and still without a response are past the target now.

    A request submitted on local date d is overdue when more than `target` business days
    passed from d to today; that holds for every d up to some last date, found here.
    """
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    day = today
    while business_days_between(_noon(day, zone), now, tz=tz) <= target:
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(now.tzinfo)


def _noon(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), zone)
