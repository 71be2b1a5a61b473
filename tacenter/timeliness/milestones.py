"""Milestones of a request and the business days it took to reach them.

Called by workflow.services and workflow.assignment on every stage change and assignment
(and by anything else that counts as responding to the requester), in the caller's
transaction. The durations
are stored on the request so that reports aggregate them in SQL. Time spent waiting on
the requester does not count.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from tacenter.intake.models import TARequest
from tacenter.timeliness.business_days import business_days_between
from tacenter.workflow.rules import FINISHED, Stage


def _days_since_submission(ta_request: TARequest, now: datetime) -> int:
    tz = current_app.config["CENTER_TIMEZONE"]
    elapsed = business_days_between(ta_request.submitted_at, now, tz=tz)
    return max(0, elapsed - (ta_request.waiting_days or 0))


def record_response(ta_request: TARequest, *, now: datetime) -> None:
    """The center's first action on a request (triage, assignment, a reply) is its first response."""
    if ta_request.first_response_at is None:
        ta_request.first_response_at = now
        ta_request.days_to_first_response = _days_since_submission(ta_request, now)


def record_assignment(ta_request: TARequest, *, now: datetime) -> None:
    record_response(ta_request, now=now)
    if ta_request.assigned_at is None:
        ta_request.assigned_at = now
        ta_request.days_to_assignment = _days_since_submission(ta_request, now)


def record_stage(ta_request: TARequest, source: str, target: str, *, by_staff: bool, now: datetime) -> None:
    """Update milestones for a move from `source` to `target`."""
    tz = current_app.config["CENTER_TIMEZONE"]
    if source == Stage.WAITING_ON_REQUESTER and ta_request.waiting_since is not None:
        ta_request.waiting_days = (ta_request.waiting_days or 0) + business_days_between(
            ta_request.waiting_since, now, tz=tz
        )
        ta_request.waiting_since = None
    if target == Stage.WAITING_ON_REQUESTER:
        ta_request.waiting_since = now
    if by_staff:
        record_response(ta_request, now=now)
    if target == Stage.DELIVERED and ta_request.delivered_at is None:
        ta_request.delivered_at = now
        ta_request.days_to_delivery = _days_since_submission(ta_request, now)
    if target in FINISHED:
        ta_request.finished_at = now
    elif source in FINISHED:
        ta_request.finished_at = None  # reopened
