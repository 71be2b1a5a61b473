"""The dashboard as one read: headline figures with the previous period, and chart series."""

from __future__ import annotations

from datetime import datetime

from tacenter.group_ta import counting
from tacenter.group_ta.vocab import EventType
from tacenter.reports import charts
from tacenter.reports.dashboard import request_figures, satisfaction
from tacenter.reports.filters import ReportFilters
from tacenter.vocab import STATES, Tier

DEFINITIONS = {
    "received": "Requests submitted in the period.",
    "open": "Requests submitted before the period ended and not closed, declined or referred by then.",
    "closed": "Requests closed, declined or referred in the period.",
    "late": "Requests received in the period whose first response came (or, still awaited, is now) "
    "later than the target for the request's tier and urgency (set by the admin).",
    "days": "Business days from submission, net of days waiting on the requester, for requests "
    "received in the period that reached the milestone (median and 90th percentile, interpolated).",
    "first_on_time": "Share of requests received in the period and answered whose first response came "
    "within the target for their tier and urgency (business days, set by the admin).",
    "assigned_on_time": "Share of requests received in the period and assigned that were assigned within "
    "the target for their tier and urgency (business days, set by the admin).",
    "hours": "Hours of TA activities dated in the period (deleted activities excluded).",
    "usefulness": "Mean usefulness (1 to 5) in satisfaction surveys answered in the period.",
    "goal_met": "Share of surveys answered in the period saying the goal was met.",
    "events": "Group TA events (trainings, TA sessions, meetings) delivered and dated in the period.",
    "event_participants": "People at those events: each organization's participants plus other attendees.",
    "event_hours": "Facilitator hours of those events: an event's duration once per facilitator.",
    "orgs_events": "Organizations that attended a group TA event delivered in the period, each once.",
    "orgs_requests": "Organizations that got TA on a request in the period (an activity dated in it or a "
    "request delivered in it), each once.",
    "orgs_reached": "Organizations reached through requests or events in the period, each once: one "
    "reached only through an event is reached.",
}


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _figure(key, label, current, previous, *, unit="", link=None, definition_key=None):
    change = None if current is None or previous is None else round(current - previous, 1)
    return {
        "key": key,
        "label": label,
        "current": current,
        "previous": previous,
        "change": change,
        "unit": unit,
        "link": link,
        "definition": DEFINITIONS[definition_key or key],
    }


def dashboard_data(filters: ReportFilters, *, tz: str, now: datetime) -> tuple[list[dict], dict]:
    """The headline figures and the chart series, sharing the hours query."""
    hours = charts.hours_by_mode(filters, tz=tz)
    return headline(filters, tz=tz, now=now, hours=hours), chart_data(filters, tz=tz, hours=hours, now=now)


def headline(filters: ReportFilters, *, tz: str, now: datetime, hours: dict | None = None) -> list[dict]:
    """The headline figures; `link` holds queue filters for the requests behind each one."""
    counts, pcts = request_figures(filters, tz=tz, now=now)
    hours = hours or charts.hours_by_mode(filters, tz=tz)
    hours = {which: sum(by_mode.values()) for which, by_mode in hours.items()}
    survey = satisfaction(filters, tz=tz)
    cur, prev = counts["current"], counts["previous"]
    p = filters.period
    received_link = filters.queue_args(submitted_from=p.start.isoformat(), submitted_to=p.end.isoformat())
    figures = [
        _figure("received", "Received", cur["received"], prev["received"], link=received_link),
        _figure(
            "open",
            "Open at period end",
            cur["open"],
            prev["open"],
            link={**filters.queue_args(submitted_to=p.end.isoformat()), "stage": ""},
        ),
        _figure(
            "closed",
            "Closed, declined or referred",
            cur["closed"],
            prev["closed"],
            link=filters.queue_args(finished_from=p.start.isoformat(), finished_to=p.end.isoformat()),
        ),
        _figure("late", "Late first response", cur["late"], prev["late"], link=received_link),
    ]
    for name, label in (
        ("first_response", "first response"),
        ("assignment", "assignment"),
        ("delivery", "delivery"),
    ):
        for q, qlabel in ((0.5, "Median"), (0.9, "90th percentile")):
            c, pr = pcts["current"][name][q], pcts["previous"][name][q]
            figures.append(
                _figure(
                    f"{name}_p{int(q * 100)}",
                    f"{qlabel} days to {label}",
                    None if c is None else round(c, 1),
                    None if pr is None else round(pr, 1),
                    unit="business days",
                    link=received_link,
                    definition_key="days",
                )
            )
    figures += [
        _figure(
            "first_on_time",
            "First response on time",
            _share(cur["responded_on_time"], cur["responded"]),
            _share(prev["responded_on_time"], prev["responded"]),
            unit="%",
            link=received_link,
        ),
        _figure(
            "assigned_on_time",
            "Assigned on time",
            _share(cur["assigned_on_time"], cur["assigned"]),
            _share(prev["assigned_on_time"], prev["assigned"]),
            unit="%",
            link=received_link,
        ),
        _figure(
            "hours",
            "TA hours delivered",
            round(hours["current"], 2),
            round(hours["previous"], 2),
            unit="hours",
            link={"report": "hours"},
        ),
        _figure(
            "usefulness",
            "Satisfaction (usefulness)",
            _round(survey["current"]["usefulness"]),
            _round(survey["previous"]["usefulness"]),
            unit="of 5",
            link={"report": "satisfaction"},
        ),
        _figure(
            "goal_met",
            "Goal met",
            _share(survey["current"]["goal_met"], survey["current"]["responses"]),
            _share(survey["previous"]["goal_met"], survey["previous"]["responses"]),
            unit="%",
            link={"report": "satisfaction"},
        ),
    ]
    return figures + group_headline(filters, tz=tz)


def group_headline(filters: ReportFilters, *, tz: str) -> list[dict]:
    """The group TA figures (tacenter.group_ta.counting), this period and the previous one."""
    got = {}
    for which, period in (("current", filters.period), ("previous", filters.period.previous())):
        scope = counting.Scope.of(filters, period)
        lo, hi = period.bounds(tz)
        got[which] = (
            counting.group_figures(scope),
            counting.reach_split(scope, lo, hi, filters.request_condition()),
        )
    (cur, cur_reach), (prev, prev_reach) = got["current"], got["previous"]
    group_link = {"report": "group"}
    reach_link = {"report": "reach"}
    return [
        _figure("events", "Group TA events delivered", cur.events, prev.events, link=group_link),
        _figure(
            "event_participants",
            "Participants at events",
            cur.participants,
            prev.participants,
            link=group_link,
        ),
        _figure(
            "event_hours",
            "Facilitator hours at events",
            cur.facilitator_hours,
            prev.facilitator_hours,
            unit="hours",
            link=group_link,
        ),
        _figure(
            "orgs_events",
            "Organizations reached through events",
            cur_reach["events"],
            prev_reach["events"],
            link=reach_link,
        ),
        _figure(
            "orgs_requests",
            "Organizations reached through requests",
            cur_reach["requests"],
            prev_reach["requests"],
            link=reach_link,
        ),
        _figure(
            "orgs_reached", "Organizations reached", cur_reach["total"], prev_reach["total"], link=reach_link
        ),
    ]


def _round(value):
    return None if value is None else round(value, 2)


def chart_data(
    filters: ReportFilters, *, tz: str, hours: dict | None = None, now: datetime | None = None
) -> dict[str, list[dict]]:
    """The dashboard's chart series; with `now`, months that have not begun are left out."""
    hours = hours or charts.hours_by_mode(filters, tz=tz)
    scope = counting.Scope.of(filters)
    group = counting.group_figures(scope)
    lo, hi = filters.period.bounds(tz)
    states = counting.reached_states(scope, lo, hi, filters.request_condition())
    return {
        **charts.received_breakdown(filters, tz=tz, now=now),
        "by_topic": charts.requests_by_topic(filters, tz=tz),
        "hours_by_mode": charts.mode_series(hours["current"]),
        "events_by_type": [
            {"key": t.value, "label": t.label, "value": group.by_type.get(t.value, 0)} for t in EventType
        ],
        "events_by_tier": [
            {"key": t.value, "label": t.label, "value": group.by_tier.get(t.value, 0)} for t in Tier
        ],
        # Organizations reached (TA on a request, or an event attended), by their state.
        "reached_by_state": [
            {"key": code, "label": name, "value": states.get(code, 0)} for code, name in STATES.items()
        ],
    }
