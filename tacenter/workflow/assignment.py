"""Assigning requests to TA staff (leads, admins and automatic routing).

Assignment moves an unassigned request to Assigned through services._move, the only
writer of stage, and uses the same version guard as every other change.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update

from tacenter.accounts.models import User
from tacenter.catalog.cache import cached
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.notifications.services import notify
from tacenter.timeliness import milestones
from tacenter.vocab import Role
from tacenter.webhooks.events import EventType, emit
from tacenter.workflow import rules
from tacenter.workflow.models import Assignment

# The package's own helpers: assignment shares the stage writer and the version guard.
from tacenter.workflow.services import _flush, _move, _touch, get_visible_request

ASSIGNABLE_ROLES = (Role.STAFF.value, Role.LEAD.value)


class StaffRow(NamedTuple):
    id: int
    name: str


def assignable_staff() -> list:
    """Who may be given a request, as (id, name) rows for pickers and filters (kept per process
    until someone's name, role or active flag changes: tacenter/catalog/cache.py)."""
    return list(cached("assignable_staff", _load_assignable_staff))


def _load_assignable_staff() -> tuple[StaffRow, ...]:
    rows = db.session.execute(
        select(User.id, User.name).where(User.role.in_(ASSIGNABLE_ROLES), User.active).order_by(User.name)
    )
    return tuple(StaffRow(row.id, row.name) for row in rows)


def _current_holder(ta_request: TARequest) -> str:
    """Who holds the request as committed by the winner of a race (a fresh read)."""
    db.session.expire(ta_request)
    holder = db.session.scalar(
        select(User.name)
        .join(TARequest, TARequest.assignee_id == User.id)
        .where(TARequest.id == ta_request.id)
    )
    return holder or "no one"


def assign_request(
    reference: str,
    assignee_id: int,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TARequest:
    """Give a request to a staff member (or reassign it). Leads and admins only.

    Of two leads assigning the same version at once exactly one wins (the version
    counter); the other gets a Conflict naming who has the request now.
    """
    now = now or utcnow()
    if actor.role_enum not in (Role.LEAD, Role.ADMIN):
        raise NotAllowed("Only leads can assign requests.")
    ta_request = get_visible_request(reference, actor=actor)
    if expected_version is not None and ta_request.version != expected_version:
        raise Conflict(
            f"Someone else changed this request since you opened it: it is now with "
            f"{_current_holder(ta_request)}."
        )
    apply_assignment(ta_request, assignee_id, actor=actor, note=note, now=now)
    db.session.commit()
    return ta_request


def apply_assignment(
    ta_request: TARequest, assignee_id: int, *, actor: User | None, note: str = "", now: datetime
) -> None:
    """Assign in the caller's transaction (the caller commits); `actor=None` is automatic routing.

    Closes the previous assignment, opens a new one, moves an unassigned request to
    Assigned, and tells the new assignee and the previous one, if any.
    """
    if ta_request.stage in rules.FINISHED:
        raise InvalidTransition("Reopen the request before assigning it.")
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.role not in ASSIGNABLE_ROLES:
        raise DomainError("Choose an active TA staff member.")
    if assignee.id == ta_request.assignee_id:
        raise DomainError(f"{assignee.name} already has this request.")
    previous = ta_request.assignee
    note = note.strip()
    ta_request.assignee_id = assignee.id
    _touch(ta_request, now)
    milestones.record_assignment(ta_request, now=now)
    try:
        _flush()
    except Conflict:
        raise Conflict(
            f"Someone else changed this request at the same moment: it is now with "
            f"{_current_holder(ta_request)}."
        ) from None
    db.session.execute(
        update(Assignment)
        .where(Assignment.ta_request_id == ta_request.id, Assignment.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.add(
        Assignment(
            ta_request_id=ta_request.id,
            assignee_id=assignee.id,
            assigned_by_id=actor.id if actor else None,
            note=note,
            assigned_at=now,
        )
    )
    emit(EventType.REQUEST_ASSIGNED, ta_request, now=now,
         extra={"previous_assignee_id": previous.id if previous else None})  # fmt: skip
    if ta_request.stage in rules.UNASSIGNED:
        _move(
            ta_request,
            rules.find_transition(ta_request.stage, rules.Stage.ASSIGNED),
            actor=actor,
            note=note,
            now=now,
        )
    context = {"note": note, "actor_name": actor.name if actor else "Automatic routing"}
    notify(
        assignee,
        "assigned",
        f"{ta_request.reference} was assigned to you.",
        ta_request=ta_request,
        context=context,
        actor=actor,
        now=now,
    )
    if previous is not None:
        notify(
            previous,
            "reassigned",
            f"{ta_request.reference} was reassigned to {assignee.name}.",
            ta_request=ta_request,
            context={**context, "new_assignee": assignee.name},
            actor=actor,
            now=now,
        )
