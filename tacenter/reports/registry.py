"""The reports people can open and download, and the breakdowns each allows (allow-listed)."""

from __future__ import annotations

from dataclasses import dataclass

from tacenter.outcomes import event_figures, figures
from tacenter.reports import group_tables, outcomes, tables
from tacenter.reports.dimensions import REQUEST_DIMENSIONS
from tacenter.reports.filters import ReportFilters

DIMENSION_CHOICES = [(key, d.label) for key, d in REQUEST_DIMENSIONS.items()]


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    rows: list[tuple[str, str]]  # allowed row breakdowns; [] = none
    default_rows: str = ""
    columns: bool = False  # allows a second dimension (a cross tab)


REPORTS = {
    r.key: r
    for r in (
        ReportKind("volume", "Volume of requests", DIMENSION_CHOICES, "topic", columns=True),
        ReportKind("timeliness", "Timeliness", DIMENSION_CHOICES, "tier"),
        ReportKind("hours", "TA hours", list(tables.HOURS_DIMENSIONS.items()), "mode"),
        ReportKind("caseload", "Caseload against capacity", []),
        ReportKind("satisfaction", "Satisfaction and outcomes", DIMENSION_CHOICES, "tier"),
        ReportKind("declined", "Declined and referred", []),
        ReportKind("survey_items", "Survey items", DIMENSION_CHOICES, "tier"),
        ReportKind("response_rates", "Survey response rates", []),
        ReportKind("follow_up_changes", "Follow-up outcomes", []),
        ReportKind("event_items", "Post-event survey items by event type", []),
        ReportKind("event_response_rates", "Post-event response rates", []),
        ReportKind("objectives", "Plan objectives", DIMENSION_CHOICES, "program"),
        ReportKind("group", "Group TA events", list(group_tables.GROUP_DIMENSIONS.items()), "type"),
        ReportKind("reach", "Organizations reached: requests and events", []),
    )
}


OUTCOME_BUILDERS = {
    "survey_items": figures.item_scores,
    "response_rates": lambda f, *, tz, rows: figures.response_rates(f, tz=tz),
    "follow_up_changes": lambda f, *, tz, rows: figures.follow_up_changes(f, tz=tz),
    "objectives": figures.objectives,
    "event_items": event_figures.event_item_scores,
    "event_response_rates": event_figures.event_response_rates,
}


def build(kind: ReportKind, filters: ReportFilters, *, rows: str, columns: str, tz: str) -> tables.Table:
    """The report's table, with breakdowns already checked against `kind`'s allow-list."""
    allowed = {k for k, _ in kind.rows}
    rows = rows if rows in allowed else kind.default_rows
    columns = columns if kind.columns and columns in allowed and columns != rows else ""
    if kind.key == "volume":
        return tables.volume(filters, tz=tz, rows=rows, columns=columns)
    if kind.key == "timeliness":
        return tables.timeliness(filters, tz=tz, rows=rows)
    if kind.key == "hours":
        return tables.hours(filters, tz=tz, rows=rows)
    if kind.key == "caseload":
        return outcomes.caseload(filters, tz=tz)
    if kind.key in OUTCOME_BUILDERS:
        return OUTCOME_BUILDERS[kind.key](filters, tz=tz, rows=rows)
    if kind.key == "satisfaction":
        return outcomes.satisfaction(filters, tz=tz, rows=rows)
    if kind.key == "group":
        return group_tables.group_events(filters, rows=rows)
    if kind.key == "reach":
        return group_tables.reach_through(filters, tz=tz)
    return outcomes.declined_and_referred(filters, tz=tz)
