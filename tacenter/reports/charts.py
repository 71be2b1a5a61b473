"""Chart series for the dashboard: requests over time, by topic, by tier and by state; hours by mode."""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.catalog.models import Topic
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.reports.dimensions import MODE_LABELS, month_bucket
from tacenter.reports.filters import ReportFilters
from tacenter.vocab import STATES, Tier


def _received(filters: ReportFilters, tz: str, *cols):
    lo, hi = filters.period.bounds(tz)
    return (
        select(*cols)
        .select_from(TARequest)
        .where(filters.request_condition(), TARequest.submitted_at >= lo, TARequest.submitted_at < hi)
    )


def requests_by_month(filters: ReportFilters, *, tz: str) -> list[dict]:
    months = filters.period.months(tz)
    bucket = month_bucket(TARequest.submitted_at, months)
    counts = dict(db.session.execute(_received(filters, tz, bucket, func.count()).group_by(bucket)).all())
    return [{"key": key, "label": key, "value": counts.get(key, 0)} for key, _ in months]


def requests_by_topic(filters: ReportFilters, *, tz: str) -> list[dict]:
    query = (
        _received(filters, tz, Topic.id, Topic.name, func.count())
        .join(ta_request_topic, ta_request_topic.c.ta_request_id == TARequest.id)
        .join(Topic, Topic.id == ta_request_topic.c.topic_id)
        .group_by(Topic.id, Topic.name)
    )
    rows = db.session.execute(query).all()
    return sorted(
        ({"key": str(i), "label": name, "value": n} for i, name, n in rows),
        key=lambda r: (-r["value"], r["label"]),
    )


def requests_by_tier(filters: ReportFilters, *, tz: str) -> list[dict]:
    counts = dict(
        db.session.execute(
            _received(filters, tz, TARequest.tier, func.count()).group_by(TARequest.tier)
        ).all()
    )
    return [{"key": t.value, "label": t.label, "value": counts.get(t.value, 0)} for t in Tier]


def requests_by_state(filters: ReportFilters, *, tz: str) -> list[dict]:
    """Every state and territory, reached (at least one request) or not."""
    counts = dict(
        db.session.execute(
            _received(filters, tz, TARequest.state, func.count()).group_by(TARequest.state)
        ).all()
    )
    return [{"key": code, "label": name, "value": counts.get(code, 0)} for code, name in STATES.items()]


def hours_by_mode(filters: ReportFilters, *, tz: str) -> list[dict]:
    query = (
        select(TAActivity.mode, func.sum(TAActivity.hours))
        .where(
            TAActivity.deleted_at.is_(None),
            filters.rows_of_requests(TAActivity.ta_request_id),
            TAActivity.activity_date >= filters.period.start,
            TAActivity.activity_date <= filters.period.end,
        )
        .group_by(TAActivity.mode)
    )
    hours = {mode: float(h) for mode, h in db.session.execute(query).all()}
    return [
        {"key": m, "label": label, "value": round(hours.get(m, 0.0), 2)} for m, label in MODE_LABELS.items()
    ]
