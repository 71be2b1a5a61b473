"""Business-day arithmetic in the center's time zone.

A business day is a weekday that is not a U.S. federal holiday (as observed), from the
`holidays` library. Durations count business dates passed: from a Monday to the next
Tuesday is one business day; the same day is zero.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("US", years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def business_days_between(start: datetime, end: datetime, *, tz: str) -> int:
    """Business dates after `start`'s date up to and including `end`'s date (0 if end <= start)."""
    first, last = local_date(start, tz), local_date(end, tz)
    count, day = 0, first + timedelta(days=1)
    while day <= last:
        count += is_business_day(day)
        day += timedelta(days=1)
    return count


def add_business_days(start: datetime, days: int, *, tz: str) -> date:
    """The local date `days` business days after `start` (a due date for a target)."""
    day = local_date(start, tz)
    while days > 0:
        day += timedelta(days=1)
        days -= is_business_day(day)
    return day
