"""Chart series for the dashboard: requests over time, by topic, by tier and by state; hours by mode."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_, case, func, select

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


def _month_label(key: str) -> str:
    return datetime.strptime(key, "%Y-%m").strftime("%b %Y")


def received_breakdown(
    filters: ReportFilters, *, tz: str, now: datetime | None = None
) -> dict[str, list[dict]]:
    """Requests received by month, by tier and by state, from one GROUP BY over the three.

    The months series stops at `now`'s month: a month that has not begun received nothing yet,
    and drawing it as zero would read as a collapse in demand."""
    months = filters.period.months(tz)
    bucket = month_bucket(TARequest.submitted_at, months, tz)
    query = _received(filters, tz, bucket, TARequest.tier, TARequest.state, func.count())
    by_month, by_tier, by_state = Counter(), Counter(), Counter()
    for month, tier, state, n in db.session.execute(query.group_by(bucket, TARequest.tier, TARequest.state)):
        by_month[month] += n
        by_tier[tier] += n
        by_state[state] += n
    shown = [key for key, start in months if now is None or start <= now]
    return {
        "over_time": [{"key": key, "label": _month_label(key), "value": by_month[key]} for key in shown],
        "by_tier": [{"key": t.value, "label": t.label, "value": by_tier[t.value]} for t in Tier],
        # Every state and territory, reached (at least one request) or not.
        "by_state": [{"key": code, "label": name, "value": by_state[code]} for code, name in STATES.items()],
    }


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


def hours_by_mode(filters: ReportFilters, *, tz: str) -> dict[str, dict[str, float]]:
    """{current|previous: {mode: hours}} of TA activities dated in the period and the one before."""
    previous = filters.period.previous()
    sums = [
        func.sum(
            case(
                (
                    and_(TAActivity.activity_date >= p.start, TAActivity.activity_date <= p.end),
                    TAActivity.hours,
                )
            )
        )
        for p in (filters.period, previous)
    ]
    query = (
        select(TAActivity.mode, *sums)
        .where(
            TAActivity.deleted_at.is_(None),
            filters.rows_of_requests(TAActivity.ta_request_id),
            TAActivity.activity_date >= previous.start,
            TAActivity.activity_date <= filters.period.end,
        )
        .group_by(TAActivity.mode)
    )
    out: dict[str, dict[str, float]] = {"current": {}, "previous": {}}
    for mode, current, before in db.session.execute(query):
        out["current"][mode], out["previous"][mode] = float(current or 0), float(before or 0)
    return out


def mode_series(hours: dict[str, float]) -> list[dict]:
    return [
        {"key": m, "label": label, "value": round(hours.get(m, 0.0), 2)} for m, label in MODE_LABELS.items()
    ]
