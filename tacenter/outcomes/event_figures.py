"""Post-event figures: item scores by event type and tier, and response rates (answers ÷
participants recorded), for the reports, the outcomes page and the leadership dashboard.

Events are scoped by the period and the report's tier filter only (an event serves several
organizations, so the request filters do not apply). Answers count by the day they were given;
response rates by the events delivered in the period (their answers whenever given).
"""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus, EventType
from tacenter.outcomes.models import ObjectiveStatus, PlanObjective
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table, fmt, share
from tacenter.surveys.defaults import POST_EVENT, RATING, YES_NO
from tacenter.surveys.models import SurveyAnswer, SurveyItem, SurveySubmission
from tacenter.vocab import Tier


def _tier(filters: ReportFilters):
    return Event.tier == filters.tier if filters.tier else True


def _type_label(code: str) -> str:
    return EventType(code).label if code in EventType._value2member_map_ else code


def _tier_label(code: str) -> str:
    return Tier(code).label if code in Tier._value2member_map_ else code


def event_item_scores(filters: ReportFilters, *, tz: str, rows: str = "") -> Table:
    """Per event type, tier and item: answers given in the period, mean (1-5) or share yes."""
    lo, hi = filters.period.bounds(tz)
    query = (
        select(
            Event.event_type,
            Event.tier,
            SurveyItem.code,
            SurveyItem.kind,
            func.min(SurveyItem.label),
            func.count(),
            func.avg(SurveyAnswer.number),
        )
        .select_from(SurveyAnswer)
        .join(SurveySubmission, SurveySubmission.id == SurveyAnswer.submission_id)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .join(Event, Event.id == SurveySubmission.event_id)
        .where(
            _tier(filters),
            SurveySubmission.purpose == POST_EVENT,
            SurveySubmission.submitted_at >= lo,
            SurveySubmission.submitted_at < hi,
            SurveyItem.kind.in_([RATING, YES_NO]),
            SurveyAnswer.number.is_not(None),
        )
        .group_by(Event.event_type, Event.tier, SurveyItem.code, SurveyItem.kind)
    )
    body = sorted(
        [
            _type_label(etype),
            _tier_label(tier),
            label,
            n,
            fmt(float(mean)) if kind == RATING else "",
            share(float(mean) * n, n) if kind == YES_NO else "",
        ]
        for etype, tier, code, kind, label, n, mean in db.session.execute(query)
    )
    return Table(
        "Post-event survey items by event type and tier",
        ["Event type", "Tier", "Item", "Answers", "Mean (1-5)", "Yes (%)"],
        body,
        "Participants' anonymous post-event answers given in the period, item by item (matched by "
        "item code across instrument versions); ratings 1 to 5; yes/no items as the share answering yes.",
    )


def event_response_rates(filters: ReportFilters, *, tz: str, rows: str = "") -> Table:
    """Per event type and tier: events delivered in the period, participants recorded, answers,
    response rate (answers ÷ participants recorded)."""
    people = (
        select(EventAttendance.event_id, func.sum(EventAttendance.participant_count).label("n"))
        .group_by(EventAttendance.event_id)
        .subquery()
    )
    answers = (
        select(SurveySubmission.event_id, func.count().label("n"))
        .where(SurveySubmission.event_id.is_not(None))
        .group_by(SurveySubmission.event_id)
        .subquery()
    )
    query = (
        select(
            Event.event_type,
            Event.tier,
            func.count(Event.id),
            func.sum(func.coalesce(people.c.n, 0) + Event.non_grantee_count),
            func.sum(func.coalesce(answers.c.n, 0)),
        )
        .outerjoin(people, people.c.event_id == Event.id)
        .outerjoin(answers, answers.c.event_id == Event.id)
        .where(
            _tier(filters),
            Event.status == EventStatus.DELIVERED.value,
            Event.event_date >= filters.period.start,
            Event.event_date <= filters.period.end,
        )
        .group_by(Event.event_type, Event.tier)
    )
    body = sorted(
        [_type_label(t), _tier_label(tier), n, int(p or 0), int(a or 0), share(int(a or 0), int(p or 0))]
        for t, tier, n, p, a in db.session.execute(query)
    )
    return Table(
        "Post-event response rates by event type and tier",
        ["Event type", "Tier", "Events", "Participants recorded", "Answers", "Response rate (%)"],
        body,
        "Events delivered in the period (by their date); answers to their participant survey whenever "
        "given; response rate = answers ÷ participants recorded.",
    )


def dashboard_outcomes(filters: ReportFilters, *, tz: str) -> dict:
    """The leadership dashboard's short outcomes section: post-event satisfaction and usefulness
    means, response rate, and plan objectives met. Four queries whatever the data."""
    lo, hi = filters.period.bounds(tz)
    means = dict(
        db.session.execute(
            select(SurveyItem.code, func.avg(SurveyAnswer.number))
            .select_from(SurveyAnswer)
            .join(SurveySubmission, SurveySubmission.id == SurveyAnswer.submission_id)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .where(
                SurveySubmission.submitted_at >= lo,
                SurveySubmission.submitted_at < hi,
                SurveyItem.code.in_(["satisfaction", "usefulness"]),
                SurveyItem.kind == RATING,
                SurveyAnswer.number.is_not(None),
            )
            .group_by(SurveyItem.code)
        ).all()
    )
    rates = event_response_rates(filters, tz=tz).rows
    participants, answered = sum(r[3] for r in rates), sum(r[4] for r in rates)
    objectives = dict(
        db.session.execute(
            select(PlanObjective.status, func.count())
            .where(PlanObjective.created_at < hi)
            .group_by(PlanObjective.status)
        ).all()
    )
    return {
        "satisfaction": fmt(float(means["satisfaction"])) if means.get("satisfaction") is not None else None,
        "usefulness": fmt(float(means["usefulness"])) if means.get("usefulness") is not None else None,
        "event_answers": answered,
        "event_participants": participants,
        "event_rate": share(answered, participants),
        "objectives": sum(objectives.values()),
        "objectives_met": objectives.get(ObjectiveStatus.MET.value, 0),
    }
