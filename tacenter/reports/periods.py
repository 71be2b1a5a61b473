"""Reporting periods: calendar dates, federal fiscal years and quarters (October to September).

A period is a range of local dates (the center's time zone), both ends included; queries
compare timestamps against the UTC instants of its local midnights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FISCAL_RE = re.compile(r"^fy(\d{4})(?:q([1-4]))?$")
MAX_DAYS = 3660  # ten years: keeps the month buckets of a chart bounded


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str
    key: str = "custom"  # fy2026, fy2026q1 or custom

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """UTC instants [start, end) of the period's local dates."""
        zone = ZoneInfo(tz)
        lo = datetime.combine(self.start, time(), zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return lo, hi

    def previous(self) -> Period:
        """The period of the same shape just before: the previous quarter, year or span of days."""
        match = FISCAL_RE.match(self.key)
        if match:
            year, quarter = int(match[1]), match[2]
            if quarter is None:
                return fiscal_year(year - 1)
            q = int(quarter) - 1
            return fiscal_quarter(year - 1, 4) if q == 0 else fiscal_quarter(year, q)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, "Previous period")

    def months(self, tz: str) -> list[tuple[str, datetime]]:
        """(YYYY-MM, UTC start instant) of each calendar month the period touches, in order."""
        zone, out = ZoneInfo(tz), []
        day = self.start.replace(day=1)
        while day <= self.end:
            start = max(day, self.start)
            out.append((day.strftime("%Y-%m"), datetime.combine(start, time(), zone).astimezone(UTC)))
            day = (day + timedelta(days=32)).replace(day=1)
        return out


def fiscal_year_of(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year(year: int) -> Period:
    return Period(
        date(year - 1, 10, 1), date(year, 9, 30), f"FY{year} (Oct {year - 1} to Sep {year})", f"fy{year}"
    )


def fiscal_quarter(year: int, quarter: int) -> Period:
    first_month = (10, 1, 4, 7)[quarter - 1]
    start = date(year - 1 if quarter == 1 else year, first_month, 1)
    end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return Period(
        start, end, f"FY{year} Q{quarter} ({start:%b %-d, %Y} to {end:%b %-d, %Y})", f"fy{year}q{quarter}"
    )


def quarter_of(day: date) -> tuple[int, int]:
    return fiscal_year_of(day), ((day.month - 10) % 12) // 3 + 1


def last_full_quarter(today: date) -> Period:
    year, quarter = quarter_of(today)
    return fiscal_quarter(year - 1, 4) if quarter == 1 else fiscal_quarter(year, quarter - 1)


def parse_period(key: str, start: str, end: str, *, today: date) -> tuple[Period, str | None]:
    """Read a period from allow-listed values; fall back to the current fiscal year with a message."""
    key = (key or "").strip().lower()
    match = FISCAL_RE.match(key)
    if match and 2000 <= int(match[1]) <= 2100:
        year = int(match[1])
        return (fiscal_quarter(year, int(match[2])) if match[2] else fiscal_year(year)), None
    if key == "custom":
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except (TypeError, ValueError):
            return fiscal_year(fiscal_year_of(today)), "Enter both dates as YYYY-MM-DD."
        if last < first:
            return fiscal_year(fiscal_year_of(today)), "The end date must be on or after the start date."
        if (last - first).days >= MAX_DAYS:
            return fiscal_year(fiscal_year_of(today)), "Choose a period of at most ten years."
        return Period(first, last, f"{first:%b %-d, %Y} to {last:%b %-d, %Y}"), None
    return fiscal_year(fiscal_year_of(today)), None


def period_choices(today: date) -> list[tuple[str, str]]:
    """Recent fiscal years and their quarters, newest first, plus custom dates."""
    current = fiscal_year_of(today)
    out = []
    for year in range(current, current - 4, -1):
        out.append((f"fy{year}", f"FY{year} (Oct {year - 1} to Sep {year})"))
        out += [(f"fy{year}q{q}", f"FY{year} Q{q}") for q in range(1, 5)]
    return out + [("custom", "Dates below")]
