"""Learning collaboratives: create one, add and remove members (with history), each member's own
request for individualized TA opened when it joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import Topic
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.group_ta import permissions
from tacenter.group_ta.models import (
    Collaborative,
    CollaborativeMember,
    Event,
    EventAttendance,
    MembershipChange,
)
from tacenter.intake.on_behalf import open_request_for_organization
from tacenter.vocab import STAFF_SIDE, Role


@dataclass
class CollaborativeValues:
    name: str
    lead_facilitator_id: int
    start_date: date
    end_date: date
    topic_id: int | None = None
    description: str = ""


def create_collaborative(
    values: CollaborativeValues, *, actor: User, now: datetime | None = None
) -> Collaborative:
    """A lead or admin starts a collaborative, led by a staff member."""
    if actor.role_enum not in permissions.MANAGERS:
        raise NotAllowed("Only leads and admins start a collaborative.")
    name = (values.name or "").strip()
    if not name:
        raise DomainError("Give the collaborative a name.")
    if values.end_date < values.start_date:
        raise DomainError("The end date must be on or after the start date.")
    lead = db.session.get(User, values.lead_facilitator_id)
    if lead is None or lead.role_enum not in STAFF_SIDE or not lead.active:
        raise DomainError("The lead facilitator must be on the center's staff.")
    if values.topic_id is not None and db.session.get(Topic, values.topic_id) is None:
        raise DomainError("Choose a topic from the list.")
    taken = db.session.scalar(select(Collaborative.id).where(func.lower(Collaborative.name) == name.lower()))
    if taken:
        raise DomainError(f"There is already a collaborative named “{name}”.")
    now = now or utcnow()
    collaborative = Collaborative(
        name=name[:200],
        description=(values.description or "").strip()[:5000],
        topic_id=values.topic_id,
        lead_facilitator_id=lead.id,
        start_date=values.start_date,
        end_date=values.end_date,
        created_at=now,
        updated_at=now,
    )
    db.session.add(collaborative)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(f"There is already a collaborative named “{name}”.") from None
    return collaborative


def get_visible_collaborative(collaborative_id: int, *, actor: User) -> Collaborative:
    found = db.session.scalar(
        permissions.visible_collaboratives(actor).where(Collaborative.id == collaborative_id)
    )
    if found is None:
        raise NotFound("There is no such collaborative.")
    return found


def _managed(collaborative_id: int, actor: User) -> Collaborative:
    collaborative = get_visible_collaborative(collaborative_id, actor=actor)
    if not permissions.may_manage_collaborative(collaborative, actor):
        raise NotAllowed("Only leads and the collaborative's lead facilitator change its members.")
    return collaborative


def _member(collaborative_id: int, organization_id: int) -> CollaborativeMember | None:
    return db.session.scalar(
        select(CollaborativeMember).where(
            CollaborativeMember.collaborative_id == collaborative_id,
            CollaborativeMember.organization_id == organization_id,
        )
    )


def _history(collaborative_id: int, organization_id: int, action: str, on: date, actor: User, now) -> None:
    db.session.add(
        MembershipChange(
            collaborative_id=collaborative_id,
            organization_id=organization_id,
            action=action,
            on_date=on,
            actor_id=actor.id,
            created_at=now,
        )
    )


def add_member(
    collaborative_id: int,
    organization_id: int,
    *,
    actor: User,
    joined_on: date | None = None,
    now: datetime | None = None,
) -> CollaborativeMember:
    """Add an organization (or take back one that left). A new member gets its own request for
    individualized TA, intensive, opened through intake and assigned to the lead facilitator."""
    now = now or utcnow()
    collaborative = _managed(collaborative_id, actor)
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise DomainError("Choose an organization from the list.")
    joined_on = joined_on or now.date()
    member = _member(collaborative.id, organization_id)
    if member is not None and member.active:
        raise DomainError(f"{organization.name} is already a member of {collaborative.name}.")
    if member is not None:  # it left and comes back: same request, new history line
        member.left_on = None
        _history(collaborative.id, organization_id, "rejoined", joined_on, actor, now)
        db.session.commit()
        return member
    ta_request = open_request_for_organization(
        organization_id,
        title=f"{collaborative.name}: individualized TA",
        description=f"Individualized TA for {organization.name} as a member of {collaborative.name}.",
        topic_ids=[collaborative.topic_id] if collaborative.topic_id else [],
        actor=actor,
        now=now,
    )
    member = CollaborativeMember(
        collaborative_id=collaborative.id,
        organization_id=organization_id,
        joined_on=joined_on,
        ta_request_id=ta_request.id,
    )
    db.session.add(member)
    _history(collaborative.id, organization_id, "joined", joined_on, actor, now)
    try:
        db.session.commit()
    except IntegrityError:  # added at the same moment by someone else
        db.session.rollback()
        raise Conflict(f"{organization.name} was just added by someone else.") from None
    if actor.role_enum in (Role.LEAD, Role.ADMIN):
        from tacenter.workflow.assignment import assign_request

        assign_request(ta_request.reference, collaborative.lead_facilitator_id, actor=actor, now=now)
    return member


def attendance_count(collaborative_id: int, organization_id: int) -> int:
    """Sessions of the collaborative at which the organization's attendance is recorded."""
    return db.session.scalar(
        select(func.count())
        .select_from(EventAttendance)
        .join(Event, Event.id == EventAttendance.event_id)
        .where(Event.collaborative_id == collaborative_id, EventAttendance.organization_id == organization_id)
    )


def mark_member_left(
    collaborative_id: int,
    organization_id: int,
    *,
    actor: User,
    left_on: date | None = None,
    now: datetime | None = None,
) -> CollaborativeMember:
    """A member leaves: it stays in the history and its attendance keeps counting."""
    now = now or utcnow()
    collaborative = _managed(collaborative_id, actor)
    member = _member(collaborative.id, organization_id)
    if member is None or not member.active:
        raise DomainError("That organization is not a current member.")
    left_on = left_on or now.date()
    if left_on < member.joined_on:
        raise DomainError("A member cannot leave before it joined.")
    member.left_on = left_on
    _history(collaborative.id, organization_id, "left", left_on, actor, now)
    db.session.commit()
    return member


def remove_member(
    collaborative_id: int, organization_id: int, *, actor: User, now: datetime | None = None
) -> None:
    """Remove a member added by mistake. One with attendance logged cannot be removed (the
    sessions it attended count for it): mark it as left instead."""
    now = now or utcnow()
    collaborative = _managed(collaborative_id, actor)
    member = _member(collaborative.id, organization_id)
    if member is None:
        raise NotFound("That organization is not a member.")
    sessions = attendance_count(collaborative.id, organization_id)
    if sessions:
        raise Conflict(
            f"{member.organization.name} has attendance logged at {sessions} "
            f"session{'s' if sessions != 1 else ''}, so it cannot be removed. Mark it as left instead."
        )
    _history(collaborative.id, organization_id, "removed", now.date(), actor, now)
    db.session.delete(member)
    db.session.commit()
