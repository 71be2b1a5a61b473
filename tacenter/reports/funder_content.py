"""The content of a funder report: the tables a SAMHSA TA center reports, built by the report queries."""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.outcomes import event_figures, figures
from tacenter.reports import group_tables, outcomes, tables
from tacenter.reports.dimensions import MODE_LABELS
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table

STEPS = [
    (
        "Counting requests",
        lambda f, tz: [tables.volume(f, tz=tz, rows=d) for d in ("tier", "topic", "state", "program")],
    ),
    (
        "Counting TA activities",
        lambda f, tz: [
            activities_by_mode(f),
            *[tables.hours(f, tz=tz, rows=d) for d in ("tier", "topic", "state", "program")],
        ],
    ),
    (
        "Counting group TA events",
        lambda f, tz: [
            *[group_tables.group_events(f, rows=d) for d in ("type", "tier")],
            group_tables.reach_through(f, tz=tz),
        ],
    ),
    ("Measuring timeliness", lambda f, tz: [tables.timeliness(f, tz=tz, rows="tier")]),
    ("Listing declined and referred requests", lambda f, tz: [outcomes.declined_and_referred(f, tz=tz)]),
    ("Summarising satisfaction", lambda f, tz: [outcomes.satisfaction(f, tz=tz, rows="tier")]),
    (
        "Summarising outcomes",
        lambda f, tz: [
            figures.item_scores(f, tz=tz, rows="tier"),
            event_figures.event_item_scores(f, tz=tz),
            figures.response_rates(f, tz=tz),
            event_figures.event_response_rates(f, tz=tz),
            figures.follow_up_changes(f, tz=tz),
            *[figures.objectives(f, tz=tz, rows=d) for d in ("tier", "program")],
        ],
    ),
]


def activities_by_mode(filters: ReportFilters) -> Table:
    """TA activities, hours and participants by mode, dated in the period."""
    query = (
        select(
            TAActivity.mode, func.count(), func.sum(TAActivity.hours), func.sum(TAActivity.participant_count)
        )
        .where(
            TAActivity.deleted_at.is_(None),
            filters.rows_of_requests(TAActivity.ta_request_id),
            TAActivity.activity_date >= filters.period.start,
            TAActivity.activity_date <= filters.period.end,
        )
        .group_by(TAActivity.mode)
    )
    got = {m: (n, float(h or 0), int(p or 0)) for m, n, h, p in db.session.execute(query)}
    body = [[label, *got.get(m, (0, 0.0, 0))] for m, label in MODE_LABELS.items()]
    return Table(
        "TA activities by mode",
        ["Mode", "Activities", "Hours", "Participants"],
        body,
        "TA activities dated in the period, deleted ones excluded.",
    )
