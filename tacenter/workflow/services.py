"""Moving requests through the workflow and assigning them.

`_move` is the only writer of `TARequest.stage`. Every change is checked against
rules.TRANSITIONS, recorded as a StageChange, guarded by the request's version
(optimistic locking) and tells the requester, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotAllowed,
    NotFound,
)
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.notifications.services import notify
from tacenter.timeliness import milestones
from tacenter.vocab import Role
from tacenter.workflow import rules
from tacenter.workflow.models import Assignment, StageChange

ASSIGNABLE_ROLES = (Role.STAFF.value, Role.LEAD.value)


def get_visible_request(reference: str, *, actor: User) -> TARequest:
    """The request with this reference if `actor` may see it; NotFound otherwise."""
    ta_request = db.session.scalar(visible_requests(actor).where(TARequest.reference == reference))
    if ta_request is None:
        raise NotFound("There is no request with that reference that you can see.")
    return ta_request


def record_initial_stage(ta_request: TARequest, *, actor: User, now: datetime) -> None:
    db.session.add(
        StageChange(
            ta_request_id=ta_request.id,
            from_stage=None,
            to_stage=ta_request.stage,
            actor_id=actor.id,
            created_at=now,
        )
    )


def _check_version(ta_request: TARequest, expected_version: int | None) -> None:
    if expected_version is not None and ta_request.version != expected_version:
        raise Conflict(
            "This request was changed by someone else since you opened it. "
            "Review the latest version below and try again."
        )


def _touch(ta_request: TARequest, now: datetime) -> None:
    """Stamp the last activity with the injected time. flag_modified keeps it in the UPDATE
    even when unchanged since the last flush, so the column's wall-clock onupdate never wins."""
    ta_request.updated_at = now
    flag_modified(ta_request, "updated_at")


def _flush() -> None:
    """Write pending changes now, so a concurrent writer's version bump surfaces here."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            "This request was changed by someone else at the same moment. "
            "Review the latest version below and try again."
        ) from None


def _move(
    ta_request: TARequest, transition: rules.Transition, *, actor: User | None, note: str, now: datetime
) -> None:
    """The only writer of stage: record it and tell the requester (and the assignee when
    someone else moved it). `actor` None is the system. Caller commits."""
    source = ta_request.stage
    ta_request.stage = transition.target.value
    _touch(ta_request, now)
    by_staff = actor is not None and actor.is_staff_side
    milestones.record_stage(ta_request, source, transition.target.value, by_staff=by_staff, now=now)
    _flush()
    db.session.add(
        StageChange(
            ta_request_id=ta_request.id,
            from_stage=source,
            to_stage=transition.target.value,
            actor_id=actor.id if actor else None,
            note=note,
            created_at=now,
        )
    )
    message = f"{ta_request.reference} is now {transition.target.label.lower()}."
    context = {"note": note, "stage": transition.target.label}
    notify(ta_request.requester, "stage_changed", message, ta_request=ta_request, context=context, now=now)
    told_otherwise = transition.by_assignment  # the new assignee gets the "assigned" notice
    if ta_request.assignee and not told_otherwise and ta_request.assignee_id != (actor.id if actor else None):
        # A reply from the requester (resuming the request) or a system close: the assignee hears.
        notify(ta_request.assignee, "stage_changed", message, ta_request=ta_request, context=context, now=now)


def close_unanswered(ta_request_id: int, *, now: datetime | None = None) -> TARequest:
    """The reminder sweep's close: a request still waiting on its requester after the nudge
    and the grace period is closed as unanswered, by the system. Staff can reopen it."""
    now = now or utcnow()
    ta_request = db.session.get(TARequest, ta_request_id)
    if ta_request is None or ta_request.stage != rules.Stage.WAITING_ON_REQUESTER:
        raise InvalidTransition("Only a request waiting on its requester can be closed as unanswered.")
    transition = rules.find_transition(ta_request.stage, rules.Stage.CLOSED)
    note = "Closed automatically: the requester did not answer. Staff can reopen it."
    _move(ta_request, transition, actor=None, note=note, now=now)
    db.session.commit()
    return ta_request


def allowed_transitions(ta_request: TARequest, actor: User) -> list[rules.Transition]:
    """Transitions `actor` may make now from the stage form (not those made by assigning)."""
    return [
        t
        for t in rules.transitions_from(ta_request.stage)
        if not t.by_assignment
        and rules.may_make(
            t,
            actor.role_enum,
            is_assignee=ta_request.assignee_id == actor.id,
            is_own_organization=ta_request.organization_id == actor.organization_id,
        )
    ]


def change_stage(
    reference: str,
    target: str,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TARequest:
    """Move a request to `target` if the workflow allows `actor` to."""
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    transition = rules.find_transition(ta_request.stage, target)
    if transition is None or transition.by_assignment:
        raise InvalidTransition(
            f"A request cannot go from {rules.Stage(ta_request.stage).label} to that stage."
        )
    if transition not in allowed_transitions(ta_request, actor):
        raise NotAllowed("You are not allowed to make that change on this request.")
    note = note.strip()
    if transition.note_required and not note:
        raise DomainError("Add a note saying why.")
    _check_version(ta_request, expected_version)
    _move(ta_request, transition, actor=actor, note=note, now=now)
    db.session.commit()
    return ta_request


def assignable_staff() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(ASSIGNABLE_ROLES), User.active).order_by(User.name)
        )
    )


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

    Closes the previous assignment, opens a new one, moves an unassigned request to
    Assigned, and tells the new assignee; all in one transaction.
    """
    now = now or utcnow()
    if actor.role_enum not in (Role.LEAD, Role.ADMIN):
        raise NotAllowed("Only leads can assign requests.")
    ta_request = get_visible_request(reference, actor=actor)
    if ta_request.stage in rules.FINISHED:
        raise InvalidTransition("Reopen the request before assigning it.")
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.role not in ASSIGNABLE_ROLES:
        raise DomainError("Choose an active TA staff member.")
    if assignee.id == ta_request.assignee_id:
        raise DomainError(f"{assignee.name} already has this request.")
    _check_version(ta_request, expected_version)
    ta_request.assignee_id = assignee.id
    _touch(ta_request, now)
    milestones.record_assignment(ta_request, now=now)
    try:
        _flush()
    except Conflict:
        winner = db.session.scalar(select(TARequest).where(TARequest.id == ta_request.id))
        who = winner.assignee.name if winner and winner.assignee else "someone else"
        raise Conflict(
            f"Someone else changed this request at the same moment: it is now with {who}."
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
            assigned_by_id=actor.id,
            note=note.strip(),
            assigned_at=now,
        )
    )
    if ta_request.stage in rules.UNASSIGNED:
        _move(
            ta_request,
            rules.find_transition(ta_request.stage, rules.Stage.ASSIGNED),
            actor=actor,
            note=note.strip(),
            now=now,
        )
    notify(
        assignee,
        "assigned",
        f"{ta_request.reference} was assigned to you.",
        ta_request=ta_request,
        context={"note": note.strip(), "actor": actor},
        now=now,
    )
    db.session.commit()
    return ta_request
