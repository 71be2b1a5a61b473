"""Events: create, change, deliver; attendance per organization; materials shared with attendees.

Each function is one use case and one transaction. Attendance changes bump the event's
version, so of two people saving attendance from the same page only the first wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.group_ta import permissions
from tacenter.group_ta.attendance import put_attendance
from tacenter.group_ta.attendance import whole_number as _count
from tacenter.group_ta.models import Collaborative, Event, EventAttendance, EventFacilitator
from tacenter.group_ta.vocab import (
    LANGUAGES,
    ONE_OFF_TIERS,
    SESSION_TIER,
    STATUS_MOVES,
    EventMode,
    EventStatus,
    EventType,
)
from tacenter.vocab import STAFF_SIDE
from tacenter.webhooks.events import emit_for_event
from tacenter.webhooks.models import EventType as Hook

QUARTER = Decimal("0.25")
CONFLICT = (
    "Someone else changed this event's attendance since you opened the page. "
    "Your change was not saved: review the attendance below and try again."
)


@dataclass
class EventValues:
    title: str
    event_type: str
    tier: str
    event_date: date
    duration_hours: Decimal | str
    facilitator_ids: list[int]
    owner_id: int | None = None  # the first facilitator when not given
    topic_ids: list[int] = field(default_factory=list)
    language: str = "en"
    mode: str = EventMode.VIRTUAL.value
    in_person_count: int = 0
    virtual_count: int = 0
    start_time: time | None = None
    description: str = ""
    non_grantee_count: int = 0
    collaborative_id: int | None = None


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError("Duration must be a number of hours, such as 1.5.") from None
    if not hours.is_finite() or hours <= 0 or hours > 24:
        raise DomainError("Duration must be more than 0 and at most 24 hours.")
    if hours % QUARTER != 0:
        raise DomainError("Duration goes in quarter-hour steps: 0.25, 0.5, 0.75, 1 …")
    return hours.quantize(Decimal("0.01"))


def _facilitators(ids: list[int]) -> list[User]:
    ids = list(dict.fromkeys(int(i) for i in ids or []))
    if not ids:
        raise DomainError("Choose at least one facilitator.")
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    for user_id in ids:
        person = people.get(user_id)
        if person is None or person.role_enum not in STAFF_SIDE or not person.active:
            name = person.name if person else f"Person #{user_id}"
            raise DomainError(f"{name} is not on the center's staff: facilitators must be TA staff.")
    return [people[i] for i in ids]


def _clean(values: EventValues, *, today: date) -> dict:
    title = (values.title or "").strip()
    if not title:
        raise DomainError("Give the event a title.")
    if values.event_type not in {t.value for t in EventType}:
        raise DomainError("Choose the event's type: training, TA session or meeting.")
    collaborative = None
    if values.collaborative_id is not None:
        collaborative = db.session.get(Collaborative, values.collaborative_id)
        if collaborative is None:
            raise DomainError("Choose a collaborative from the list.")
    allowed = (SESSION_TIER,) if collaborative else ONE_OFF_TIERS
    if values.tier not in allowed:
        raise DomainError(
            "A collaborative's sessions are intensive TA."
            if collaborative
            else "A one-off event is universal or targeted TA; intensive TA is a collaborative's sessions."
        )
    if values.language not in LANGUAGES:
        raise DomainError("Choose the event's language.")
    if values.mode not in {m.value for m in EventMode}:
        raise DomainError("Choose how the event is held: virtual, in person or hybrid.")
    hybrid = values.mode == EventMode.HYBRID
    facilitators = _facilitators(values.facilitator_ids)
    owner_id = values.owner_id or facilitators[0].id
    if owner_id not in {f.id for f in facilitators}:
        raise DomainError("The event's owner must be one of its facilitators.")
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(values.topic_ids or [-1]))))
    return {
        "title": title[:200],
        "description": (values.description or "").strip()[:5000],
        "event_type": values.event_type,
        "tier": values.tier,
        "language": values.language,
        "mode": values.mode,
        "in_person_count": _count(values.in_person_count, "In-person attendees", 100000) if hybrid else 0,
        "virtual_count": _count(values.virtual_count, "Virtual attendees", 100000) if hybrid else 0,
        "event_date": values.event_date,
        "start_time": values.start_time,
        "duration_hours": _hours(values.duration_hours),
        "non_grantee_count": _count(values.non_grantee_count, "Other attendees", 100000),
        "owner_id": owner_id,
        "collaborative_id": collaborative.id if collaborative else None,
        "topics": topics,
        "_facilitators": facilitators,
    }


def _apply(event: Event, cleaned: dict) -> None:
    facilitators = cleaned.pop("_facilitators")
    for name, value in cleaned.items():
        setattr(event, name, value)
    wanted = {f.id for f in facilitators}
    event.facilitators = [f for f in event.facilitators if f.user_id in wanted] + [
        EventFacilitator(user_id=f.id)
        for f in facilitators
        if f.id not in {x.user_id for x in event.facilitators}
    ]


def create_event(
    values: EventValues, *, actor: User, now: datetime | None = None, today: date | None = None
) -> Event:
    """Plan an event (TA staff, leads, admins). It starts planned; mark_delivered records it happened."""
    now = now or utcnow()
    if not permissions.may_create_event(actor):
        raise NotAllowed("Only TA staff, leads and admins plan events.")
    cleaned = _clean(values, today=today or now.date())
    event = Event(status=EventStatus.PLANNED.value, created_at=now, updated_at=now)
    _apply(event, cleaned)
    db.session.add(event)
    db.session.commit()
    return event


def get_visible_event(event_id: int, *, actor: User) -> Event:
    """The event if `actor` may see it; NotFound otherwise (ids do not leak)."""
    event = db.session.scalar(permissions.visible_events(actor).where(Event.id == event_id))
    if event is None:
        raise NotFound("There is no such event.")
    return event


def editable_event(event_id: int, actor: User, version: int | None) -> Event:
    event = get_visible_event(event_id, actor=actor)
    if not permissions.may_edit_event(event, actor):
        raise NotAllowed("Only the event's facilitators and leads change it.")
    if version is not None and event.version != version:
        raise Conflict(CONFLICT)
    return event


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:  # another transaction saved the same version first
        db.session.rollback()
        raise Conflict(CONFLICT) from None


def update_event(
    event_id: int, values: EventValues, *, version: int | None, actor: User, now: datetime | None = None
) -> Event:
    """Change an event's details; a delivered event cannot move into the future."""
    now = now or utcnow()
    event = editable_event(event_id, actor, version)
    cleaned = _clean(values, today=now.date())
    if event.status == EventStatus.DELIVERED and cleaned["event_date"] > now.date():
        raise DomainError("A delivered event cannot be dated in the future.")
    _apply(event, cleaned)
    event.updated_at = now
    _commit()
    return event


def change_status(
    event_id: int, status: str, *, version: int | None, actor: User, today: date, now: datetime | None = None
) -> Event:
    """Move an event along STATUS_MOVES; only an event that has happened is delivered."""
    now = now or utcnow()
    event = editable_event(event_id, actor, version)
    if status not in {s.value for s in EventStatus}:
        raise DomainError("Choose a status from the list.")
    if (EventStatus(event.status), EventStatus(status)) not in STATUS_MOVES:
        raise InvalidTransition(
            f"A {event.status_label.lower()} event cannot become {EventStatus(status).label.lower()}."
        )
    if status == EventStatus.DELIVERED and event.event_date > today:
        raise DomainError(
            "An event in the future cannot be marked delivered: change its date, or wait until it has "
            "happened."
        )
    event.status = status
    event.delivered_at = now if status == EventStatus.DELIVERED else None
    event.updated_at = now
    if status == EventStatus.DELIVERED:
        emit_for_event(Hook.EVENT_DELIVERED, event, now=now)  # webhooks: in this transaction
    _commit()
    return event


def mark_delivered(
    event_id: int, *, version: int | None, actor: User, today: date, now: datetime | None = None
) -> Event:
    """Record that an event took place (it then counts in every report)."""
    return change_status(
        event_id, EventStatus.DELIVERED.value, version=version, actor=actor, today=today, now=now
    )


def record_attendance(
    event_id: int,
    organization_id: int,
    participant_count,
    roles: str = "",
    *,
    version: int | None,
    actor: User,
    replace: bool = False,
    now: datetime | None = None,
) -> EventAttendance:
    """One organization's attendance at an event: how many came and their roles. Once per
    organization per event; `replace` changes the one recorded."""
    now = now or utcnow()
    event = editable_event(event_id, actor, version)
    row = put_attendance(event, organization_id, participant_count, roles, replace=replace, now=now)
    _commit()
    return row


def remove_attendance(
    event_id: int, organization_id: int, *, version: int | None, actor: User, now: datetime | None = None
) -> None:
    """Take an organization off an event's attendance (done already is done)."""
    event = editable_event(event_id, actor, version)
    row = db.session.scalar(
        select(EventAttendance).where(
            EventAttendance.event_id == event.id, EventAttendance.organization_id == organization_id
        )
    )
    if row is None:  # already taken off (a second click, or a colleague): nothing left to do
        return
    db.session.delete(row)
    event.updated_at = now or utcnow()
    _commit()
