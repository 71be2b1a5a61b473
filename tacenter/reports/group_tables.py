"""Group TA reports: events, participants, facilitator hours and organizations reached, by type,
tier, mode or topic, and reach through requests against reach through events. The counting
rules are tacenter.group_ta.counting's."""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.catalog.models import Topic
from tacenter.extensions import db
from tacenter.group_ta import counting
from tacenter.group_ta.models import Event, EventAttendance, EventFacilitator, event_topic
from tacenter.group_ta.vocab import EventMode, EventType
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table
from tacenter.vocab import Tier

GROUP_DIMENSIONS = {"type": "Event type", "tier": "Tier", "mode": "Mode", "topic": "Topic"}
DEFINITION = (
    "Events delivered and dated in the period. Facilitator hours count an event's duration once per "
    "facilitator; organizations are counted once per row however many events they attended; "
    "participants are the organizations' participants plus other attendees."
)


def _key(rows: str):
    if rows == "topic":
        return event_topic.c.topic_id, dict(db.session.execute(select(Topic.id, Topic.name)).all())
    column, vocab = {"tier": (Event.tier, Tier), "mode": (Event.mode, EventMode)}.get(
        rows, (Event.event_type, EventType)
    )
    return column, {m.value: m.label for m in vocab}


def _grouped(query, rows: str):
    if rows == "topic":
        return query.join(event_topic, event_topic.c.event_id == Event.id)
    return query


def group_events(filters: ReportFilters, *, rows: str = "type") -> Table:
    """Group TA events by type, tier, mode or topic: four GROUP BY queries."""
    rows = rows if rows in GROUP_DIMENSIONS else "type"
    scope = counting.Scope.of(filters)
    key, labels = _key(rows)
    counted = counting.counted_events(scope)
    events = dict(
        db.session.execute(
            _grouped(select(key, func.count()).select_from(Event), rows)
            .where(Event.id.in_(counted))
            .group_by(key)
        ).all()
    )
    others = {}
    if not scope.narrows_organizations:
        others = dict(
            db.session.execute(
                _grouped(select(key, func.sum(Event.non_grantee_count)).select_from(Event), rows)
                .where(Event.id.in_(counted))
                .group_by(key)
            ).all()
        )
    attendance = {
        k: (orgs, people)
        for k, orgs, people in db.session.execute(
            _grouped(
                select(
                    key,
                    func.count(func.distinct(EventAttendance.organization_id)),
                    func.sum(EventAttendance.participant_count),
                )
                .select_from(EventAttendance)
                .join(Event, Event.id == EventAttendance.event_id),
                rows,
            )
            .where(
                Event.id.in_(counted), counting.organization_condition(EventAttendance.organization_id, scope)
            )
            .group_by(key)
        )
    }
    hours_query = (
        _grouped(
            select(key, func.sum(Event.duration_hours))
            .select_from(EventFacilitator)
            .join(Event, Event.id == EventFacilitator.event_id),
            rows,
        )
        .where(Event.id.in_(counted))
        .group_by(key)
    )
    if scope.staff is not None:
        hours_query = hours_query.where(EventFacilitator.user_id == scope.staff)
    hours = dict(db.session.execute(hours_query).all())
    body = []
    for k, n in events.items():
        orgs, people = attendance.get(k, (0, 0))
        body.append(
            [
                str(labels.get(k, k)),
                n,
                int(people or 0) + int(others.get(k) or 0),
                int(orgs or 0),
                round(float(hours.get(k) or 0), 2),
            ]
        )
    body.sort(key=lambda r: (-r[1], r[0]))
    return Table(
        f"Group TA events by {GROUP_DIMENSIONS[rows].lower()}",
        [GROUP_DIMENSIONS[rows], "Events", "Participants", "Organizations reached", "Facilitator hours"],
        body,
        DEFINITION + (" An event with several topics counts under each." if rows == "topic" else ""),
    )


def reach_through(filters: ReportFilters, *, tz: str) -> Table:
    """Organizations reached through requests, through events, both, and in all (each once)."""
    lo, hi = filters.period.bounds(tz)
    split = counting.reach_split(counting.Scope.of(filters), lo, hi, filters.request_condition())
    return Table(
        "Organizations reached: requests and events",
        ["Reached through", "Organizations"],
        [
            ["Requests (TA activities or delivery)", split["requests"]],
            ["Group TA events", split["events"]],
            ["Both", split["both"]],
            ["Events only", split["events_only"]],
            ["All organizations reached", split["total"]],
        ],
        "Each organization counts once: one that got TA on a request in the period, or attended a group TA "
        "event delivered in it. An organization reached only through an event is reached.",
    )
