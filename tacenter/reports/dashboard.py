"""The dashboard's figures, each one SQL aggregate over the filtered requests.

Definitions (also on the page and in the README):
- received: requests submitted in the period.
- open: requests submitted before the period ended and not finished by then.
- closed: requests finished (closed, declined or referred) in the period.
- late: requests received in the period whose first response came, or is still awaited
  and is now, later than the target for the request's tier and urgency (timeliness.targets).
- days to first response / assignment / delivery: business days net of waiting on the
  requester, for requests received in the period that reached the milestone; median and
  90th percentile (continuous).
- meeting target: share of those that reached the milestone within their tier's and urgency's
  target (the admin's timeliness targets; timeliness.targets.on_time).
- TA hours: hours of TA activities dated in the period (deleted ones excluded; charts.hours_by_mode).
- satisfaction: mean usefulness and timeliness (1-5) of surveys answered in the period;
  goal met: share of those surveys saying the goal was met.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.reports.filters import ReportFilters
from tacenter.reports.stats import percentiles_of
from tacenter.surveys.queries import request_surveys
from tacenter.timeliness.queries import first_response_overdue, met_target, missed_target, targets_table

MILESTONES = {
    "first_response": TARequest.days_to_first_response,
    "assignment": TARequest.days_to_assignment,
    "delivery": TARequest.days_to_delivery,
}


def _count(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _count_columns(filters: ReportFilters, *, tz: str, now: datetime):
    """received, open, closed, late, and target counts for the period and the previous one."""
    table = targets_table()
    overdue = first_response_overdue(now, tz, table)
    cols, names = [], []
    for which, period in (("current", filters.period), ("previous", filters.period.previous())):
        lo, hi = period.bounds(tz)
        received = and_(TARequest.submitted_at >= lo, TARequest.submitted_at < hi)
        conds = {
            "received": received,
            "open": and_(
                TARequest.submitted_at < hi, or_(TARequest.finished_at.is_(None), TARequest.finished_at >= hi)
            ),
            "closed": and_(TARequest.finished_at >= lo, TARequest.finished_at < hi),
            "late": and_(
                received,
                or_(missed_target("first_response_days", table), overdue),
            ),
            "responded": and_(received, TARequest.days_to_first_response.is_not(None)),
            "responded_on_time": and_(received, met_target("first_response_days", table)),
            "assigned": and_(received, TARequest.days_to_assignment.is_not(None)),
            "assigned_on_time": and_(received, met_target("assignment_days", table)),
        }
        for name, cond in conds.items():
            cols.append(_count(cond))
            names.append((which, name))
    return cols, names


def request_figures(filters: ReportFilters, *, tz: str, now: datetime) -> tuple[dict, dict]:
    """Counts {current|previous: {name: n}} and percentiles {current|previous: {milestone:
    {0.5: median, 0.9: p90}}} (business days) of the filtered requests, in one pass on PostgreSQL."""
    cols, names = _count_columns(filters, tz=tz, now=now)
    specs = []
    for which, period in (("current", filters.period), ("previous", filters.period.previous())):
        lo, hi = period.bounds(tz)
        received = and_(TARequest.submitted_at >= lo, TARequest.submitted_at < hi)
        specs += [((which, name), column, received) for name, column in MILESTONES.items()]
    earliest, _ = filters.period.previous().bounds(tz)
    # Every figure is about requests received, finished or still open since the previous
    # period began: bounding the rows keeps the cost with the period, not the years of history.
    since = or_(
        TARequest.submitted_at >= earliest, TARequest.finished_at.is_(None), TARequest.finished_at >= earliest
    )
    base = select(TARequest.id).where(filters.request_condition(), since)
    row, got = percentiles_of(specs, base, extra=cols)
    counts: dict[str, dict[str, int]] = {"current": {}, "previous": {}}
    for (which, name), value in zip(names, row, strict=True):
        counts[which][name] = int(value)
    pcts: dict[str, dict] = {"current": {}, "previous": {}}
    for (which, name), values in got.items():
        pcts[which][name] = values
    return counts, pcts


def satisfaction(filters: ReportFilters, *, tz: str) -> dict[str, dict[str, float | int | None]]:
    """Survey count, mean usefulness and timeliness, and goal-met count per period."""
    cols, names = [], []
    survey = request_surveys().c
    earliest = filters.period.previous().bounds(tz)[0]
    for which, period in (("current", filters.period), ("previous", filters.period.previous())):
        lo, hi = period.bounds(tz)
        inside = and_(survey.submitted_at >= lo, survey.submitted_at < hi)
        cols += [
            _count(inside),
            func.avg(case((inside, survey.usefulness))),
            func.avg(case((inside, survey.timeliness))),
            _count(and_(inside, survey.goal_met == "yes")),
        ]
        names.append(which)
    row = db.session.execute(
        select(*cols).where(
            filters.rows_of_requests(survey.ta_request_id),
            survey.submitted_at >= earliest,
            survey.submitted_at < filters.period.bounds(tz)[1],
        )
    ).one()
    out = {}
    for i, which in enumerate(names):
        n, useful, timely, yes = row[i * 4 : i * 4 + 4]
        out[which] = {
            "responses": int(n),
            "usefulness": None if useful is None else float(useful),
            "timeliness": None if timely is None else float(timely),
            "goal_met": int(yes),
        }
    return out
