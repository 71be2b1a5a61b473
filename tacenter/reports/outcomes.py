"""People and outcomes reports: caseload against capacity, satisfaction, declined and referred."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, case, func, select

from tacenter.accounts.models import User
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.reports.dimensions import REQUEST_DIMENSIONS, label_of
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table, fmt, share
from tacenter.reports.targets import DEFAULT_CAPACITY_OPEN_REQUESTS
from tacenter.surveys.queries import request_surveys
from tacenter.vocab import STAFF_SIDE
from tacenter.workflow.rules import Stage


def staff_capacity() -> dict[int, float]:
    """What each staff member can carry: their routing profile's capacity (weighted units, see
    routing), or the default for someone without a profile. The one place capacity is read."""
    from tacenter.routing.models import StaffProfile

    capacities = defaultdict(lambda: DEFAULT_CAPACITY_OPEN_REQUESTS)
    capacities.update(db.session.execute(select(StaffProfile.user_id, StaffProfile.capacity)).all())
    return capacities


def caseload(filters: ReportFilters, *, tz: str) -> Table:
    """Per staff member: open requests and their weighted load now against capacity, requests
    assigned and TA hours delivered in the period. Load is routing's (engine.tier_weight), so
    the report and the team page agree; someone who has left still shows the hours they gave."""
    from tacenter.routing import engine

    lo, hi = filters.period.bounds(tz)
    cond = filters.request_condition()
    staff = db.session.execute(
        select(User.id, User.name).where(User.role.in_([r.value for r in STAFF_SIDE])).order_by(User.name)
    ).all()
    open_now = {
        user_id: (count, float(load))
        for user_id, count, load in db.session.execute(
            select(engine.OPEN_ASSIGNEE, func.count(), func.sum(engine.tier_weight()))
            .select_from(TARequest)
            .where(cond, TARequest.is_open())
            .group_by(engine.OPEN_ASSIGNEE),
            engine.load_params(engine.current_settings()),
        )
    }
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
        count, load = open_now.get(user_id, (0, 0.0))
        body.append(
            [
                name,
                count,
                round(load, 2),
                capacity[user_id],
                share(load, capacity[user_id]),
                assigned.get(user_id, 0),
                round(float(worked.get(user_id) or 0), 2),
            ]
        )
    return Table(
        "Caseload against capacity",
        [
            "Staff member",
            "Open requests now",
            "Weighted load now",
            "Capacity",
            "Load (%)",
            "Assigned in period",
            "Hours delivered in period",
        ],
        body,
        "Weighted load counts each open request by its tier's weight (routing settings). "
        f"Capacity is {DEFAULT_CAPACITY_OPEN_REQUESTS} until a staff profile sets it. "
        "Hours delivered: TA activities dated in the period, by the staff member who logged them.",
    )


def _mean(value) -> str:
    return "" if value is None else fmt(float(value))


def satisfaction(filters: ReportFilters, *, tz: str, rows: str = "tier") -> Table:
    """Surveys answered in the period: usefulness, timeliness, and whether the goal was met."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    lo, hi = filters.period.bounds(tz)
    survey = request_surveys()
    query = (
        rd.join(
            select(
                key,
                func.count(),
                func.avg(survey.c.usefulness),
                func.avg(survey.c.timeliness),
                *[func.sum(case((survey.c.goal_met == g, 1), else_=0)) for g in ("yes", "partly", "no")],
            )
            .select_from(survey)
            .join(TARequest, TARequest.id == survey.c.ta_request_id)
        )
        .where(filters.request_condition(), survey.c.submitted_at >= lo, survey.c.submitted_at < hi)
        .group_by(key)
    )
    labels = rd.labels()
    body = sorted(
        [label_of(rd, labels, k), n, _mean(u), _mean(t), int(y), int(p), int(no), share(y, n)]
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
