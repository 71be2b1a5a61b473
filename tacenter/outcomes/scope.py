"""The one scoping rule of follow-ups and their answers, for the outcome figures and the SAMHSA
follow-up file.

A follow-up is about a closed request or a delivered event:
- a request's counts when the request matches the report filters (ReportFilters.request_condition);
- an event's counts when the event matches the group TA filters (tier, topic, staff as a
  facilitator) and the contact's organization matches the organization filters (state, type,
  program): the counting rules of group TA (tacenter/group_ta/counting.py).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select

from tacenter.accounts.models import User
from tacenter.group_ta.counting import Scope, event_condition, organization_condition
from tacenter.group_ta.models import Event
from tacenter.intake.models import TARequest
from tacenter.reports.filters import ReportFilters


def follow_up_subjects(
    filters: ReportFilters, *, request_id: ColumnElement, event_id: ColumnElement, person_id: ColumnElement
) -> ColumnElement[bool]:
    """Rows (a follow_up or a survey_submission, given its request, event and contact columns)
    whose request or event, and contact's organization, match `filters`; the period is the
    caller's."""
    scope = Scope.of(filters)
    requests = (
        request_id.in_(select(TARequest.id).where(filters.request_condition()))
        if filters.narrows_requests
        else request_id.is_not(None)
    )
    events = and_(event_id.is_not(None), request_id.is_(None))
    if filters.tier or filters.topic is not None or filters.staff is not None:
        events = and_(events, event_id.in_(select(Event.id).where(event_condition(scope))))
    if scope.narrows_organizations:
        people = select(User.id).where(organization_condition(User.organization_id, scope))
        events = and_(events, person_id.in_(people))
    return or_(requests, events)
