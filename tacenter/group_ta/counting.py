"""The counting rules of group TA, in one place: every dashboard figure, report, export, the
funder report and the reach against the roster read them from here.

- An event counts when it is delivered and dated in the period (the center's local dates).
- Facilitator hours: the event's duration once per facilitator (two facilitators of a 2-hour
  webinar: 4 hours), however many organizations attended.
- Participants: the sum of the organizations' participant counts, plus the non-grantee attendees.
- Reach: each organization once per period, however many events it attended. An organization
  reached only through an event is reached: `reached_org_ids` is the union of organizations
  that got TA on a request (an activity dated in the period, or a request delivered in it) and
  organizations attending a counted event.
- Filters: tier, topic and staff (a facilitator) narrow the events; state, organization type and
  program narrow the organizations. With an organization filter an event counts when one of the
  matching organizations attended, and only their participants count (non-grantees do not).
  With a staff filter, hours are that facilitator's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, union

from tacenter.accounts.models import Organization
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance, EventFacilitator, event_topic
from tacenter.group_ta.vocab import EventStatus
from tacenter.intake.models import TARequest
from tacenter.registry.models import Grant


@dataclass(frozen=True)
class Scope:
    """A period and the filters that apply to group TA (a ReportFilters reduced to them)."""

    start: date
    end: date
    tier: str = ""
    topic: int | None = None
    staff: int | None = None
    state: str = ""
    org_type: str = ""
    program: int | None = None

    @classmethod
    def of(cls, filters, period=None) -> Scope:
        period = period or filters.period
        return cls(period.start, period.end, filters.tier, filters.topic, filters.staff,
                   filters.state, filters.org_type, filters.program)  # fmt: skip

    @property
    def narrows_organizations(self) -> bool:
        return bool(self.state or self.org_type or self.program is not None)


@dataclass
class GroupFigures:
    events: int = 0
    participants: int = 0
    non_grantees: int = 0
    facilitator_hours: float = 0.0
    orgs_through_events: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_tier: dict[str, int] = field(default_factory=dict)


def organization_condition(org_id: ColumnElement, scope: Scope) -> ColumnElement[bool]:
    """The organization filters as one condition on an organization id column."""
    parts = []
    if scope.state or scope.org_type:
        orgs = select(Organization.id)
        if scope.state:
            orgs = orgs.where(Organization.state == scope.state)
        if scope.org_type:
            orgs = orgs.where(Organization.org_type == scope.org_type)
        parts.append(org_id.in_(orgs))
    if scope.program is not None:
        parts.append(org_id.in_(select(Grant.organization_id).where(Grant.program_id == scope.program)))
    return and_(true(), *parts)


def event_condition(scope: Scope) -> ColumnElement[bool]:
    """The event filters (tier, topic, staff as a facilitator) as one condition on Event."""
    parts = []
    if scope.tier:
        parts.append(Event.tier == scope.tier)
    if scope.topic is not None:
        parts.append(
            Event.id.in_(select(event_topic.c.event_id).where(event_topic.c.topic_id == scope.topic))
        )
    if scope.staff is not None:
        parts.append(
            Event.id.in_(select(EventFacilitator.event_id).where(EventFacilitator.user_id == scope.staff))
        )
    return and_(true(), *parts)


def counted_events(scope: Scope) -> Select:
    """The ids of the events that count in `scope`."""
    query = select(Event.id).where(
        Event.status == EventStatus.DELIVERED.value,
        Event.event_date >= scope.start,
        Event.event_date <= scope.end,
        event_condition(scope),
    )
    if scope.narrows_organizations:
        query = query.where(
            Event.id.in_(
                select(EventAttendance.event_id).where(
                    organization_condition(EventAttendance.organization_id, scope)
                )
            )
        )
    return query


def counted_attendance(scope: Scope) -> Select:
    """Attendance rows that count in `scope` (FROM event_attendance)."""
    return select(EventAttendance.organization_id).where(
        EventAttendance.event_id.in_(counted_events(scope)),
        organization_condition(EventAttendance.organization_id, scope),
    )


def facilitator_hours_query(scope: Scope) -> Select:
    query = (
        select(func.coalesce(func.sum(Event.duration_hours), 0))
        .select_from(EventFacilitator)
        .join(Event, Event.id == EventFacilitator.event_id)
        .where(Event.id.in_(counted_events(scope)))
    )
    if scope.staff is not None:
        query = query.where(EventFacilitator.user_id == scope.staff)
    return query


def group_figures(scope: Scope) -> GroupFigures:
    """Events by type and tier, participants, facilitator hours and organizations reached
    through events, in four queries whatever the number of events."""
    out = GroupFigures()
    rows = db.session.execute(
        select(Event.event_type, Event.tier, func.count(), func.sum(Event.non_grantee_count))
        .where(Event.id.in_(counted_events(scope)))
        .group_by(Event.event_type, Event.tier)
    ).all()
    for event_type, tier, n, others in rows:
        out.events += n
        out.by_type[event_type] = out.by_type.get(event_type, 0) + n
        out.by_tier[tier] = out.by_tier.get(tier, 0) + n
        out.non_grantees += 0 if scope.narrows_organizations else int(others or 0)
    orgs, people = db.session.execute(
        select(
            func.count(func.distinct(EventAttendance.organization_id)),
            func.sum(EventAttendance.participant_count),
        )
        .where(EventAttendance.event_id.in_(counted_events(scope)))
        .where(organization_condition(EventAttendance.organization_id, scope))
    ).one()
    out.orgs_through_events = int(orgs or 0)
    out.participants = int(people or 0) + out.non_grantees
    out.facilitator_hours = round(float(db.session.scalar(facilitator_hours_query(scope)) or Decimal(0)), 2)
    return out


def request_reach_ids(scope: Scope, lo, hi, request_condition: ColumnElement | None = None) -> Select:
    """Organizations that got TA on a request in the period: an activity dated in it (deleted
    ones excluded) or a request delivered in it (the roster comparison's definition)."""
    activity = (
        select(TAActivity.id)
        .where(TAActivity.ta_request_id == TARequest.id, TAActivity.deleted_at.is_(None))
        .where(TAActivity.activity_date >= scope.start, TAActivity.activity_date <= scope.end)
        .exists()
    )
    delivered = and_(TARequest.delivered_at >= lo, TARequest.delivered_at < hi)
    query = select(TARequest.organization_id).where(or_(activity, delivered))
    if request_condition is not None:
        query = query.where(request_condition)
    return query


def event_reach_ids(scope: Scope) -> Select:
    """Organizations attending an event that counts in `scope`."""
    return counted_attendance(scope)


def reach_split(scope: Scope, lo, hi, request_condition: ColumnElement | None = None) -> dict[str, int]:
    """Organizations reached through requests, through events, both, and in all (each once)."""
    through_requests = set(db.session.scalars(request_reach_ids(scope, lo, hi, request_condition).distinct()))
    through_events = set(db.session.scalars(event_reach_ids(scope).distinct()))
    return {
        "requests": len(through_requests),
        "events": len(through_events),
        "both": len(through_requests & through_events),
        "events_only": len(through_events - through_requests),
        "requests_only": len(through_requests - through_events),
        "total": len(through_requests | through_events),
    }


def reached_org_ids(scope: Scope, lo, hi, request_condition: ColumnElement | None = None):
    """The union of both ways of being reached, as one SELECT (for the roster comparison)."""
    return union(request_reach_ids(scope, lo, hi, request_condition), event_reach_ids(scope))


def reached_states(scope: Scope, lo, hi, request_condition: ColumnElement | None = None) -> dict[str, int]:
    """{state: organizations reached there} through requests or events (each organization once)."""
    reached = reached_org_ids(scope, lo, hi, request_condition).subquery()
    return dict(
        db.session.execute(
            select(Organization.state, func.count(func.distinct(Organization.id)))
            .where(Organization.id.in_(select(reached.c[0])))
            .group_by(Organization.state)
        ).all()
    )
