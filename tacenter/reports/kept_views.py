"""The views the worker keeps as snapshots (snapshots.py), and how a page asks for its figures."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from tacenter.db import utcnow
from tacenter.outcomes.event_figures import dashboard_outcomes
from tacenter.registry.queries import ProgramReach, reach
from tacenter.reports import queries, registry, snapshots
from tacenter.reports.filters import ReportFilters
from tacenter.timeliness.business_days import local_date


def _dashboard_now(filters: ReportFilters, tz: str, now: datetime, whole_page: bool = True) -> list:
    figures, charts = queries.dashboard_data(filters, tz=tz, now=now)
    if not whole_page:  # the JSON: figures and charts only
        return [figures, charts, [], None]
    period = filters.period
    rows = reach(period.start, period.end, tz=tz, program_id=filters.program)
    return [figures, charts, [dataclasses.asdict(row) for row in rows], dashboard_outcomes(filters, tz=tz)]


def dashboard(filters: ReportFilters, *, tz: str, today: date, whole_page: bool = True) -> snapshots.Served:
    """The dashboard's (figures, charts, reach against the roster, outcomes section); without
    `whole_page`, reach is [] and the outcomes None unless they come from the snapshot."""
    served = snapshots.serve(
        snapshots.key_of("dashboard", filters),
        lambda now: _dashboard_now(filters, tz, now, whole_page),
        kept=snapshots.is_default(filters, today),
    )
    figures, charts, rows, *outcomes = served.value
    if whole_page and not (outcomes and outcomes[0]):  # a snapshot kept before outcomes were
        outcomes = [dashboard_outcomes(filters, tz=tz)]
    value = (figures, charts, [ProgramReach(**row) for row in rows], outcomes[0] if outcomes else None)
    return snapshots.Served(value, served.computed_at, served.snapshot)


_RENDERED: dict[tuple, object] = {}


def rendered(served: snapshots.Served, key: str, render):
    """A page part that depends only on a snapshot, rendered once per snapshot in this process
    (None when the figures were computed now: nothing to share)."""
    if not served.snapshot:
        return None
    memo = (key, served.computed_at)
    if memo not in _RENDERED:
        if len(_RENDERED) >= 32:
            _RENDERED.clear()
        _RENDERED[memo] = render()
    return _RENDERED[memo]


def report(
    kind: registry.ReportKind, filters: ReportFilters, *, rows: str, columns: str, tz: str, today: date
):
    """A report's table; the worker keeps each report's default breakdown."""
    rows = rows or kind.default_rows
    kept = snapshots.is_default(filters, today) and rows == kind.default_rows and not columns
    return snapshots.serve(
        snapshots.key_of(f"report/{kind.key}", filters, rows=rows, columns=columns),
        lambda now: registry.build(kind, filters, rows=rows, columns=columns, tz=tz),
        kept=kept,
    )


def refresh(*, now: datetime | None = None) -> dict[str, float]:
    """Recompute every kept view; {view: seconds it took}."""
    now = now or utcnow()
    tz = current_app.config["CENTER_TIMEZONE"]
    filters = ReportFilters.from_args({}, today=local_date(now, tz))
    took = {
        "dashboard": snapshots.store(
            snapshots.key_of("dashboard", filters), lambda at: _dashboard_now(filters, tz, at), now=now
        )
    }
    for kind in registry.REPORTS.values():
        took[kind.key] = snapshots.store(
            snapshots.key_of(f"report/{kind.key}", filters, rows=kind.default_rows, columns=""),
            lambda at, kind=kind: registry.build(kind, filters, rows=kind.default_rows, columns="", tz=tz),
            now=now,
        )
    snapshots.prune(now=now)
    return took


reports_cli = AppGroup("reports", help="The dashboard's and reports' snapshots.")


@reports_cli.command("refresh")
def refresh_command() -> None:
    """Recompute the default dashboard and reports now (the worker does it every few minutes)."""
    for view, seconds in refresh().items():
        click.echo(f"{view}: {seconds * 1000:.0f} ms")
