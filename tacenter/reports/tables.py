"""The reports: each builds a Table (headers and rows) from a bounded number of GROUP BY queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select

from tacenter.accounts.models import User
from tacenter.delivery.models import SurveyResponse, TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.reports.dimensions import MODE_LABELS, REQUEST_DIMENSIONS, label_of
from tacenter.reports.filters import ReportFilters
from tacenter.reports.stats import grouped_percentiles
from tacenter.reports.targets import (
    ASSIGNMENT_TARGET_DAYS,
    DEFAULT_CAPACITY_OPEN_REQUESTS,
    FIRST_RESPONSE_TARGET_DAYS,
)
from tacenter.vocab import STAFF_SIDE
from tacenter.workflow.rules import OPEN, Stage


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
            "Requests submitted in the period; a request with several topics counts under each.",
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


def _fmt(value):
    return None if value is None else round(value, 1)


def timeliness(filters: ReportFilters, *, tz: str, rows: str = "tier") -> Table:
    """Median and 90th percentile business days to each milestone, and the share meeting targets."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    base = rd.join(_received(filters, tz, TARequest.id))
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
            func.sum(case((TARequest.days_to_first_response <= FIRST_RESPONSE_TARGET_DAYS, 1), else_=0)),
            func.count(TARequest.days_to_assignment),
            func.sum(case((TARequest.days_to_assignment <= ASSIGNMENT_TARGET_DAYS, 1), else_=0)),
        ).group_by(key)
    ).all()
    labels = rd.labels()
    body = []
    for k, n, responded, on_time, assigned, assigned_on_time in counts:
        row = [label_of(rd, labels, k), n]
        for name in ("first", "assign", "deliver"):
            got = figures[name].get(k, {})
            row += [_fmt(got.get(0.5)), _fmt(got.get(0.9))]
        row += [_share(on_time, responded), _share(assigned_on_time, assigned)]
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
            f"First response within {FIRST_RESPONSE_TARGET_DAYS} days (%)",
            f"Assigned within {ASSIGNMENT_TARGET_DAYS} days (%)",
        ],
        body,
        "Business days from submission, net of waiting on the requester, for requests received in "
        "the period.",
    )


def _share(part, whole) -> float | None:
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
        "TA activities dated in the period, deleted ones excluded.",
    )


def staff_capacity() -> dict[int, int]:
    """Open requests each staff member can carry. The one place to read a capacity table from."""
    return defaultdict(lambda: DEFAULT_CAPACITY_OPEN_REQUESTS)


def caseload(filters: ReportFilters, *, tz: str) -> Table:
    """Per staff member: open requests now against capacity, requests assigned and hours in the period."""
    lo, hi = filters.period.bounds(tz)
    cond = filters.request_condition()
    staff = db.session.execute(
        select(User.id, User.name)
        .where(User.role.in_([r.value for r in STAFF_SIDE]), User.active)
        .order_by(User.name)
    ).all()
    open_now = dict(
        db.session.execute(
            select(TARequest.assignee_id, func.count())
            .where(cond, TARequest.stage.in_([s.value for s in OPEN]))
            .group_by(TARequest.assignee_id)
        ).all()
    )
    assigned = dict(
        db.session.execute(
            select(TARequest.assignee_id, func.count())
            .where(cond, TARequest.assigned_at >= lo, TARequest.assigned_at < hi)
            .group_by(TARequest.assignee_id)
        ).all()
    )
    worked = dict(
        db.session.execute(
            select(TAActivity.staff_id, func.sum(TAActivity.hours))
            .where(
                filters.rows_of_requests(TAActivity.ta_request_id),
                TAActivity.deleted_at.is_(None),
                TAActivity.activity_date >= filters.period.start,
                TAActivity.activity_date <= filters.period.end,
            )
            .group_by(TAActivity.staff_id)
        ).all()
    )
    capacity = staff_capacity()
    body = []
    for user_id, name in staff:
        if not (open_now.get(user_id) or assigned.get(user_id) or worked.get(user_id)):
            continue
        n = open_now.get(user_id, 0)
        body.append(
            [
                name,
                n,
                capacity[user_id],
                _share(n, capacity[user_id]),
                assigned.get(user_id, 0),
                round(float(worked.get(user_id) or 0), 2),
            ]
        )
    return Table(
        "Caseload against capacity",
        [
            "Staff member",
            "Open requests now",
            "Capacity",
            "Load (%)",
            "Assigned in period",
            "Hours in period",
        ],
        body,
        f"Capacity is {DEFAULT_CAPACITY_OPEN_REQUESTS} open requests per person until staff profiles set it.",
    )


def satisfaction(filters: ReportFilters, *, tz: str, rows: str = "tier") -> Table:
    """Surveys answered in the period: usefulness, timeliness, and whether the goal was met."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    lo, hi = filters.period.bounds(tz)
    query = (
        rd.join(
            select(
                key,
                func.count(),
                func.avg(SurveyResponse.usefulness),
                func.avg(SurveyResponse.timeliness),
                *[
                    func.sum(case((SurveyResponse.goal_met == g, 1), else_=0))
                    for g in ("yes", "partly", "no")
                ],
            )
            .select_from(SurveyResponse)
            .join(TARequest, TARequest.id == SurveyResponse.ta_request_id)
        )
        .where(
            filters.request_condition(), SurveyResponse.submitted_at >= lo, SurveyResponse.submitted_at < hi
        )
        .group_by(key)
    )
    labels = rd.labels()
    body = sorted(
        [label_of(rd, labels, k), n, _fmt(float(u)), _fmt(float(t)), int(y), int(p), int(no), _share(y, n)]
        for k, n, u, t, y, p, no in db.session.execute(query)
    )
    return Table(
        f"Satisfaction and outcomes by {rd.label.lower()}",
        [
            rd.label,
            "Surveys",
            "Usefulness (1-5)",
            "Timeliness (1-5)",
            "Goal met",
            "Partly",
            "Not met",
            "Goal met (%)",
        ],
        body,
        "Surveys answered in the period, by the requests they were about.",
    )


def declined_and_referred(filters: ReportFilters, *, tz: str, limit: int = 5000) -> Table:
    """Requests declined or referred in the period, with the reason and where they were sent."""
    lo, hi = filters.period.bounds(tz)
    rows = db.session.execute(
        select(
            TARequest.reference,
            TARequest.title,
            TARequest.state,
            TARequest.stage,
            TARequest.closing_reason,
            TARequest.referred_to,
            TARequest.finished_at,
        )
        .where(
            filters.request_condition(),
            TARequest.stage.in_([Stage.DECLINED.value, Stage.REFERRED.value]),
            and_(TARequest.finished_at >= lo, TARequest.finished_at < hi),
        )
        .order_by(TARequest.finished_at, TARequest.id)
        .limit(limit)
    ).all()
    body = [
        [ref, title, state, Stage(stage).label, reason, to, at.date().isoformat()]
        for ref, title, state, stage, reason, to, at in rows
    ]
    return Table(
        "Declined and referred",
        ["Reference", "Title", "State", "Outcome", "Reason", "Referred to", "Date"],
        body,
        "Requests declined or referred in the period (their latest finish).",
    )
