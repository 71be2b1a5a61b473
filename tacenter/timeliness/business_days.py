"""Business-day arithmetic in the center's time zone.

A business day is a weekday that is not a U.S. federal holiday (as observed), from the
`holidays` library. Durations count business dates passed: from a Monday to the next
Tuesday is one business day; the same day is zero.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("US", years=year).keys())


@lru_cache(maxsize=64)
def _weekday_holidays(year: int) -> tuple[date, ...]:
    """The year's holidays that fall on a weekday, sorted: the only ones a count must skip."""
    return tuple(sorted(day for day in _federal_holidays(year) if day.weekday() < 5))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


@lru_cache(maxsize=16384)
def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


# Counting in closed form, not day by day: every page that shows timeliness assesses each
# of its rows, and a walk over the days cost more than the rest of the queue page.
_MONDAY = date(1900, 1, 1)


def _weekdays_through(day: date) -> int:
    """Weekdays from _MONDAY up to and including `day`."""
    weeks, rest = divmod((day - _MONDAY).days + 1, 7)
    return weeks * 5 + min(rest, 5)


def _first_with_weekdays(count: int) -> date:
    """The first date by which `count` weekdays have passed (the inverse of _weekdays_through)."""
    weeks, rest = divmod(count, 5)
    if rest == 0:
        weeks, rest = weeks - 1, 5
    return _MONDAY + timedelta(days=weeks * 7 + rest - 1)


# Pure functions of dates, asked again for the same rows on every view of a list: memoized.
@lru_cache(maxsize=16384)
def business_dates_after(first: date, last: date) -> int:
    """Business dates in (first, last]."""
    if last <= first:
        return 0
    skipped = sum(
        bisect_right(days, last) - bisect_right(days, first)
        for days in map(_weekday_holidays, range(first.year, last.year + 1))
    )
    return _weekdays_through(last) - _weekdays_through(first) - skipped


def business_days_between(start: datetime, end: datetime, *, tz: str) -> int:
    """Business dates after `start`'s date up to and including `end`'s date (0 if end <= start)."""
    return business_dates_after(local_date(start, tz), local_date(end, tz))


def add_business_days(start: datetime, days: int, *, tz: str) -> date:
    """The local date `days` business days after `start` (a due date for a target)."""
    return _add_business_days(local_date(start, tz), days)


@lru_cache(maxsize=16384)
def _add_business_days(first: date, days: int) -> date:
    day = first
    # Step to the first date with enough weekdays, then on by the holidays passed; never
    # beyond the answer, since each step adds only the business days still missing.
    while (missing := days - business_dates_after(first, day)) > 0:
        day = _first_with_weekdays(_weekdays_through(day) + missing)
    return day
