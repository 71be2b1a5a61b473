"""Who may see and change group TA: one scoping query for events, one for collaboratives,
used by every list, count, page and download of them."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from tacenter.accounts.models import User
from tacenter.group_ta.models import Collaborative, CollaborativeMember, Event, EventAttendance
from tacenter.vocab import STAFF_SIDE, Role

MANAGERS = frozenset({Role.LEAD, Role.ADMIN})


def _signed_in(actor: User) -> bool:
    return actor is not None and actor.is_authenticated and actor.active


def _staff_side(actor: User) -> bool:
    return _signed_in(actor) and actor.role_enum in STAFF_SIDE


def _requester_org(actor: User) -> int | None:
    if _signed_in(actor) and actor.role_enum == Role.REQUESTER:
        return actor.organization_id
    return None


def visible_events(actor: User) -> Select[tuple[Event]]:
    """Events `actor` may read: the staff side every one; a requester those their organization
    attended and the sessions of collaboratives it belongs or belonged to."""
    query = select(Event)
    if _staff_side(actor):
        return query
    org_id = _requester_org(actor)
    if org_id is None:
        return query.where(false())
    attended = select(EventAttendance.event_id).where(EventAttendance.organization_id == org_id)
    cohorts = select(CollaborativeMember.collaborative_id).where(
        CollaborativeMember.organization_id == org_id
    )
    return query.where(or_(Event.id.in_(attended), Event.collaborative_id.in_(cohorts)))


def visible_collaboratives(actor: User) -> Select[tuple[Collaborative]]:
    """Collaboratives `actor` may read: the staff side every one; a requester its organization's."""
    query = select(Collaborative)
    if _staff_side(actor):
        return query
    org_id = _requester_org(actor)
    if org_id is None:
        return query.where(false())
    mine = select(CollaborativeMember.collaborative_id).where(CollaborativeMember.organization_id == org_id)
    return query.where(Collaborative.id.in_(mine))


def may_edit_event(event: Event, actor: User) -> bool:
    """Leads and admins change any event; TA staff the events they facilitate."""
    role = actor.role_enum
    if role in MANAGERS:
        return True
    if role != Role.STAFF:
        return False
    return event.owner_id == actor.id or any(f.user_id == actor.id for f in event.facilitators)


def may_create_event(actor: User) -> bool:
    return actor.role_enum in (Role.STAFF, Role.LEAD, Role.ADMIN)


def may_manage_collaborative(collaborative: Collaborative, actor: User) -> bool:
    """Leads and admins manage any collaborative; its lead facilitator manages theirs."""
    return actor.role_enum in MANAGERS or (
        actor.role_enum == Role.STAFF and collaborative.lead_facilitator_id == actor.id
    )
