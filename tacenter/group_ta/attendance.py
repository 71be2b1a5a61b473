"""One organization's attendance at an event, written into the caller's transaction: the rule
the event page, the API (through services.record_attendance) and the attendance spreadsheet
import (tacenter/records) share. The caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import MAX_PARTICIPANTS


def whole_number(value, what: str, top: int = MAX_PARTICIPANTS, low: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{what} must be a whole number.") from None
    if not low <= number <= top:
        raise DomainError(f"{what} must be from {low:,} to {top:,}.")
    return number


def put_attendance(
    event: Event, organization_id: int, participant_count, roles: str, *, replace: bool, now: datetime
) -> EventAttendance:
    """Add (or with `replace`, change) an organization's attendance; bumps the event's version."""
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise DomainError("Choose an organization from the list.")
    count = whole_number(participant_count, "Participants", low=1)
    row = db.session.scalar(
        select(EventAttendance).where(
            EventAttendance.event_id == event.id, EventAttendance.organization_id == organization_id
        )
    )
    if row is not None and not replace:
        raise DomainError(
            f"{organization.name}'s attendance is already recorded for this event; change it in the table."
        )
    if row is None:
        row = EventAttendance(event_id=event.id, organization_id=organization_id, participant_count=count)
        db.session.add(row)
    row.participant_count, row.roles, row.recorded_at = count, (roles or "").strip()[:300], now
    event.updated_at = now  # bumps the version: a stale page cannot overwrite this
    return row
