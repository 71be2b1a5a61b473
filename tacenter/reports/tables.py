"""Volume, timeliness and hours reports: each a Table built from a bounded number of GROUP BY queries.

People and outcomes reports are in outcomes.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.reports.dimensions import MODE_LABELS, REQUEST_DIMENSIONS, label_of
from tacenter.reports.filters import ReportFilters
from tacenter.reports.stats import grouped_percentiles
from tacenter.timeliness.queries import met_target, targets_table


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    definition: str = ""


def _received(filters: ReportFilters, tz: str, *cols):
    lo, hi = filters.period.bounds(tz)
    return (
        select(*cols)
        .select_from(TARequest)
        .where(filters.request_condition(), TARequest.submitted_at >= lo, TARequest.submitted_at < hi)
    )


def volume(filters: ReportFilters, *, tz: str, rows: str = "topic", columns: str = "") -> Table:
    """Requests received in the period by one dimension, or cross-tabulated by two."""
    rd = REQUEST_DIMENSIONS[rows]
    cd = REQUEST_DIMENSIONS.get(columns) if columns and columns != rows else None
    keys = [rd.column()] + ([cd.column()] if cd else [])
    query = rd.join(_received(filters, tz, *keys, func.count()))
    if cd:
        query = cd.join(query)
    counts = db.session.execute(query.group_by(*keys)).all()
    rlabels = rd.labels()
    if cd is None:
        body = sorted(([label_of(rd, rlabels, k), n] for k, n in counts), key=lambda r: (-r[1], r[0]))
        return Table(
            f"Requests received by {rd.label.lower()}",
            [rd.label, "Requests"],
            body,
            "Requests submitted in the period"
            + ("; a request with several topics counts under each." if rows == "topic" else "."),
        )
    clabels = cd.labels()
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for rk, ck, n in counts:
        grid[label_of(rd, rlabels, rk)][label_of(cd, clabels, ck)] = n
    col_names = sorted({c for r in grid.values() for c in r})
    body = [[r] + [grid[r].get(c, 0) for c in col_names] + [sum(grid[r].values())] for r in sorted(grid)]
    return Table(
        f"Requests received: {rd.label.lower()} by {cd.label.lower()}",
        [rd.label, *col_names, "Total"],
        body,
        "Requests submitted in the period, counted in every cell their values fall in.",
    )


def fmt(value):
    return None if value is None else round(value, 1)


def timeliness(filters: ReportFilters, *, tz: str, rows: str = "tier") -> Table:
    """Median and 90th percentile business days to each milestone, and the share meeting targets."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    base = rd.join(_received(filters, tz, TARequest.id))
    table = targets_table()
    figures = grouped_percentiles(
        {
            "first": TARequest.days_to_first_response,
            "assign": TARequest.days_to_assignment,
            "deliver": TARequest.days_to_delivery,
        },
        base,
        key,
    )
    counts = db.session.execute(
        base.with_only_columns(
            key,
            func.count(),
            func.count(TARequest.days_to_first_response),
            func.sum(case((met_target("first_response_days", table), 1), else_=0)),
            func.count(TARequest.days_to_assignment),
            func.sum(case((met_target("assignment_days", table), 1), else_=0)),
        ).group_by(key)
    ).all()
    labels = rd.labels()
    body = []
    for k, n, responded, on_time, assigned, assigned_on_time in counts:
        row = [label_of(rd, labels, k), n]
        for name in ("first", "assign", "deliver"):
            got = figures[name].get(k, {})
            row += [fmt(got.get(0.5)), fmt(got.get(0.9))]
        row += [share(on_time, responded), share(assigned_on_time, assigned)]
        body.append(row)
    body.sort(key=lambda r: r[0])
    return Table(
        f"Timeliness by {rd.label.lower()}",
        [
            rd.label,
            "Requests",
            "First response median",
            "First response 90th pct",
            "Assignment median",
            "Assignment 90th pct",
            "Delivery median",
            "Delivery 90th pct",
            "First response on time (%)",
            "Assigned on time (%)",
        ],
        body,
        "Business days from submission, net of waiting on the requester, for requests received in "
        "the period; on time means within the target for the request's tier and urgency.",
    )


def share(part, whole) -> float | None:
    return None if not whole else round(100.0 * (part or 0) / whole, 1)


HOURS_DIMENSIONS = {
    "topic": "Topic",
    "mode": "Mode",
    "staff": "Staff member",
    "tier": "Tier",
    "state": "State or territory",
    "program": "Grant program",
}


def hours(filters: ReportFilters, *, tz: str, rows: str = "mode") -> Table:
    """TA activities and hours dated in the period, by mode, staff member, tier, state or program."""
    query = select().select_from(TAActivity)
    if rows == "mode":
        key, labels, label = TAActivity.mode, MODE_LABELS, "Mode"
    elif rows == "staff":
        key, labels, label = TAActivity.staff_id, REQUEST_DIMENSIONS["staff"].labels(), "Staff member"
    else:
        rows = rows if rows in HOURS_DIMENSIONS else "tier"
        dim = REQUEST_DIMENSIONS[rows]
        key, labels, label = dim.column(), dim.labels(), dim.label
        query = dim.join(query.join(TARequest, TARequest.id == TAActivity.ta_request_id))
    query = (
        query.add_columns(
            key, func.count(), func.sum(TAActivity.hours), func.sum(TAActivity.participant_count)
        )
        .where(
            TAActivity.deleted_at.is_(None),
            filters.rows_of_requests(TAActivity.ta_request_id),
            TAActivity.activity_date >= filters.period.start,
            TAActivity.activity_date <= filters.period.end,
        )
        .group_by(key)
    )
    body = sorted(
        (
            [str(labels.get(k, k or "None")), n, round(float(h or 0), 2), int(p or 0)]
            for k, n, h, p in db.session.execute(query)
        ),
        key=lambda r: (-r[2], r[0]),
    )
    return Table(
        f"TA hours by {label.lower()}",
        [label, "Activities", "Hours", "Participants"],
        body,
        "TA activities dated in the period, deleted ones excluded"
        + ("; one on a request with several topics counts under each." if rows == "topic" else "."),
    )
