"""Outcome figures for the dashboard, the reports (CSV/Excel) and the funder report.

Every figure reads answers by item code across instrument versions, answered in the period: the
post-request survey's for requests matching the report's filters (ReportFilters.request_condition),
follow-ups' (requests' and events') by outcomes.scope.follow_up_subjects.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.outcomes.models import FollowUp, ObjectiveStatus, PlanObjective
from tacenter.outcomes.scope import follow_up_subjects
from tacenter.reports.dimensions import REQUEST_DIMENSIONS, label_of
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table, fmt, share
from tacenter.surveys.defaults import CHANGES, RATING, YES_NO
from tacenter.surveys.models import SurveyAnswer, SurveyItem, SurveySubmission
from tacenter.workflow.rules import Stage


def _period_answers(filters: ReportFilters, tz: str, cols, purpose_like: str):
    """Survey answers of `purpose_like` submissions given in the period, with their item."""
    lo, hi = filters.period.bounds(tz)
    return (
        select(*cols)
        .select_from(SurveyAnswer)
        .join(SurveySubmission, SurveySubmission.id == SurveyAnswer.submission_id)
        .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(
            SurveySubmission.purpose.like(purpose_like),
            SurveySubmission.submitted_at >= lo,
            SurveySubmission.submitted_at < hi,
        )
    )


def _answers(filters: ReportFilters, tz: str, *cols, purpose_like: str):
    return (
        _period_answers(filters, tz, cols, purpose_like)
        .join(TARequest, TARequest.id == SurveySubmission.ta_request_id)
        .where(filters.request_condition())
    )


def _follow_up_answers(filters: ReportFilters, tz: str, *cols):
    """Follow-up answers (requests' and events') given in the period, scoped by follow_up_subjects."""
    return _period_answers(filters, tz, cols, "follow_up_%").where(
        follow_up_subjects(
            filters,
            request_id=SurveySubmission.ta_request_id,
            event_id=SurveySubmission.event_id,
            person_id=SurveySubmission.respondent_id,
        )
    )


def item_scores(filters: ReportFilters, *, tz: str, rows: str = "tier") -> Table:
    """Per breakdown and rated item: answers and mean (1-5); yes/no items: share saying yes."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    query = rd.join(
        _answers(
            filters,
            tz,
            key,
            SurveyItem.code,
            SurveyItem.kind,
            func.min(SurveyItem.label),
            func.count(),
            func.avg(SurveyAnswer.number),
            purpose_like="post_request",
        )
    ).where(SurveyItem.kind.in_([RATING, YES_NO]), SurveyAnswer.number.is_not(None))
    labels = rd.labels()
    body = sorted(
        [
            label_of(rd, labels, k),
            label,
            n,
            fmt(float(mean)) if kind == RATING else "",
            share(float(mean) * n, n) if kind == YES_NO else "",
        ]
        for k, code, kind, label, n, mean in db.session.execute(
            query.group_by(key, SurveyItem.code, SurveyItem.kind)
        )
    )
    return Table(
        f"Survey items by {rd.label.lower()}",
        [rd.label, "Item", "Answers", "Mean (1-5)", "Yes (%)"],
        body,
        "Post-request survey answers given in the period, item by item (matched by item code across "
        "instrument versions); ratings 1 to 5; yes/no items as the share answering yes.",
    )


def response_rates(filters: ReportFilters, *, tz: str) -> Table:
    """Post-request survey: requests closed in the period and how many answered; follow-ups:
    sent in the period per window, answered, reminded, lapsed."""
    lo, hi = filters.period.bounds(tz)
    closed = db.session.scalar(
        select(func.count())
        .select_from(TARequest)
        .where(
            filters.request_condition(),
            TARequest.stage == Stage.CLOSED,
            TARequest.finished_at >= lo,
            TARequest.finished_at < hi,
        )
    )
    answered = db.session.scalar(
        select(func.count())
        .select_from(TARequest)
        .join(SurveySubmission, SurveySubmission.ta_request_id == TARequest.id)
        .where(
            filters.request_condition(),
            TARequest.stage == Stage.CLOSED,
            TARequest.finished_at >= lo,
            TARequest.finished_at < hi,
            SurveySubmission.purpose == "post_request",
        )
    )
    body = [["Post-request survey", closed, answered, "", "", share(answered, closed)]]
    about_event = FollowUp.event_id.is_not(None)
    follow = db.session.execute(
        select(
            about_event,
            FollowUp.window_days,
            func.count(),
            func.count(FollowUp.answered_at),
            func.count(FollowUp.reminded_at),
            func.count(FollowUp.lapsed_at),
        )
        .where(
            follow_up_subjects(
                filters,
                request_id=FollowUp.ta_request_id,
                event_id=FollowUp.event_id,
                person_id=FollowUp.contact_id,
            ),
            FollowUp.sent_at >= lo,
            FollowUp.sent_at < hi,
        )
        .group_by(about_event, FollowUp.window_days)
    ).all()
    body += [
        [f"{days}-day follow-up{' after events' if event else ''}", n, a, r, lapsed, share(a, n)]
        for event, days, n, a, r, lapsed in sorted(follow, key=lambda row: (bool(row[0]), row[1]))
    ]
    return Table(
        "Response rates",
        ["Form", "Asked", "Answered", "Reminded", "Lapsed", "Response rate (%)"],
        body,
        "Post-request: requests closed in the period (still closed) and how many of them answered. "
        "Follow-ups: sent in the period, by window (after requests, then after events: one per "
        "contact of each attending organization); answered at any time since.",
    )


def follow_up_changes(filters: ReportFilters, *, tz: str) -> Table:
    """Follow-up answers given in the period, by change type (an answer may name several)."""
    total = db.session.scalar(_follow_up_answers(filters, tz, func.count(func.distinct(SurveySubmission.id))))
    counts = dict(
        db.session.execute(
            _follow_up_answers(
                filters, tz, SurveyAnswer.choice, func.count(func.distinct(SurveySubmission.id))
            )
            .where(SurveyItem.code == "what_changed")
            .group_by(SurveyAnswer.choice)
        ).all()
    )
    names = {code: en for code, en, _es in CHANGES}
    order = [code for code, _en, _es in CHANGES] + sorted(set(counts) - set(names))
    body = [[names.get(c, c), counts.get(c, 0), share(counts.get(c, 0), total)] for c in order]
    return Table(
        "Follow-up outcomes by change type",
        ["Change", "Follow-up answers", "Share of answers (%)"],
        body + [["All follow-up answers", total or 0, None]],
        "Follow-up answers (30 and 90 days after a request closed or an event was delivered) given in "
        "the period; an answer may report several changes.",
    )


def objectives(filters: ReportFilters, *, tz: str, rows: str = "program") -> Table:
    """Objectives of the filtered requests' plans set by the period's end, by their status now."""
    rd = REQUEST_DIMENSIONS[rows]
    key = rd.column()
    hi = filters.period.bounds(tz)[1]
    query = (
        rd.join(
            select(key, PlanObjective.status, func.count())
            .select_from(PlanObjective)
            .join(TARequest, TARequest.id == PlanObjective.ta_request_id)
        )
        .where(filters.request_condition(), PlanObjective.created_at < hi)
        .group_by(key, PlanObjective.status)
    )
    counts: dict = {}
    for k, status, n in db.session.execute(query):
        counts.setdefault(k, {})[status] = n
    labels = rd.labels()
    statuses = [s.value for s in ObjectiveStatus]
    body = sorted(
        [
            label_of(rd, labels, k),
            sum(c.values()),
            *[c.get(s, 0) for s in statuses],
            share(c.get("met", 0), sum(c.values())),
        ]
        for k, c in counts.items()
    )
    return Table(
        f"Plan objectives by {rd.label.lower()}",
        [rd.label, "Objectives set", "Not started", "In progress", "Met", "Not met", "Dropped", "Met (%)"],
        body,
        "Objectives of TA plans set up to the end of the period, by their status now.",
    )
