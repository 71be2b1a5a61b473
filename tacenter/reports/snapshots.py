"""Worker-kept snapshots of the dashboard's and the reports' figures.

The dashboard's figures (percentiles per milestone and period, counts against targets, charts)
take a quarter of a second of database work at 50,000 requests and grow with history; leadership
opens the same few views over and over. So the worker computes the default views every
`REPORT_SNAPSHOT_SECONDS` (the current period, no filters: the dashboard, its JSON and each
report in its default breakdown) and a page serves the snapshot when one is younger than
`REPORT_SNAPSHOT_MAX_AGE`, saying "as of" when. Every other view (filters, another period,
another breakdown) and a view whose snapshot is missing or old is computed on the spot, as before.

A snapshot stores what the computation returned, whatever figures it holds, so a figure added to
`queries.dashboard_data` or to a report's table is in the next snapshot with no change here.
Figures are exact as of `computed_at`: the same functions compute them (tests compare both).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.reports.filters import ReportFilters
from tacenter.reports.models import ReportSnapshot
from tacenter.reports.tables import Table


@dataclasses.dataclass(frozen=True)
class Served:
    """A view's figures and when they were computed (`snapshot`: served from the worker's copy)."""

    value: object
    computed_at: datetime
    snapshot: bool


def key_of(view: str, filters: ReportFilters, **extra: str) -> str:
    """The view, its filters and period dates, and any breakdown, as one stable string."""
    args = {
        **filters.query_args(),
        "start": filters.period.start.isoformat(),
        "end": filters.period.end.isoformat(),
    }
    args |= {name: value for name, value in extra.items() if value}
    return view + "?" + "&".join(f"{name}={args[name]}" for name in sorted(args))


def _default_filters(today) -> ReportFilters:
    return ReportFilters.from_args({}, today=today)


def is_default(filters: ReportFilters, today) -> bool:
    """The view the worker keeps: the default period with no filters."""
    return filters == _default_filters(today)


def _encode(value) -> str:
    if isinstance(value, Table):
        value = {"__table__": dataclasses.asdict(value)}
    return json.dumps(value, default=float, separators=(",", ":"))


def _decode(payload: str):
    value = json.loads(payload)
    if isinstance(value, dict) and "__table__" in value:
        return Table(**value["__table__"])
    return value


def serve(
    key: str, compute: Callable[[datetime], object], *, kept: bool, now: datetime | None = None
) -> Served:
    """The view's figures: its snapshot when `kept` (a view the worker keeps) and it is fresh
    enough, else computed now."""
    now = now or utcnow()
    if kept:
        max_age = timedelta(seconds=current_app.config["REPORT_SNAPSHOT_MAX_AGE"])
        row = db.session.execute(
            select(ReportSnapshot.payload, ReportSnapshot.computed_at).where(ReportSnapshot.key == key)
        ).first()
        if row is not None and row.computed_at >= now - max_age:
            return Served(_decode(row.payload), row.computed_at, True)
    return Served(compute(now), now, False)


def store(key: str, compute: Callable[[datetime], object], *, now: datetime | None = None) -> float:
    """Compute a view and keep it (replacing the last one); returns the seconds it took."""
    now = now or utcnow()
    started = time.perf_counter()
    payload = _encode(compute(now))
    seconds = time.perf_counter() - started
    db.session.execute(delete(ReportSnapshot).where(ReportSnapshot.key == key))
    db.session.add(ReportSnapshot(key=key, payload=payload, computed_at=now, seconds=seconds))
    db.session.commit()
    return seconds


def prune(*, now: datetime | None = None) -> int:
    """Forget snapshots too old to be served (a period that has ended, a view no longer kept)."""
    now = now or utcnow()
    max_age = timedelta(seconds=current_app.config["REPORT_SNAPSHOT_MAX_AGE"])
    gone = db.session.execute(
        delete(ReportSnapshot).where(ReportSnapshot.computed_at < now - max_age)
    ).rowcount
    db.session.commit()
    return gone
