"""Editing staff profiles, availability and the routing settings.

Leads and admins edit profiles; each staff member edits their own availability
(leads and admins may edit anyone's); only admins change the routing settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.routing.engine import current_settings
from tacenter.routing.models import (
    DEFAULTS,
    Level,
    RoutingMode,
    RoutingSettings,
    StaffAbsence,
    StaffExpertise,
    StaffProfile,
    StaffState,
)
from tacenter.vocab import STATES, Role
from tacenter.workflow.assignment import ASSIGNABLE_ROLES

LEADS = (Role.LEAD, Role.ADMIN)


@dataclass
class ProfileValues:
    capacity: float = 6.0
    active: bool = True
    backup_user_id: int | None = None
    primary_topic_ids: list[int] = field(default_factory=list)
    secondary_topic_ids: list[int] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    program_ids: list[int] = field(default_factory=list)


def routable_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role not in ASSIGNABLE_ROLES:
        raise NotFound("There is no TA staff member with that id.")
    return user


def get_or_new_profile(user_id: int) -> StaffProfile:
    """The person's profile, added to the session with defaults if they have none yet."""
    routable_user(user_id)
    profile = db.session.get(StaffProfile, user_id)
    if profile is None:
        profile = StaffProfile(user_id=user_id, capacity=6.0, active=True)
        db.session.add(profile)
    return profile


def save_profile(user_id: int, values: ProfileValues, *, actor: User) -> StaffProfile:
    """Leads and admins set a person's expertise, states, programs, capacity, backup and active flag."""
    if actor.role_enum not in LEADS:
        raise NotAllowed("Only leads can edit staff profiles.")
    profile = get_or_new_profile(user_id)
    if not 0 <= values.capacity <= 100:
        raise DomainError("Capacity must be between 0 and 100.")
    if any(code not in STATES for code in values.states):
        raise DomainError("Choose states and territories from the list.")
    primary = set(values.primary_topic_ids)
    secondary = set(values.secondary_topic_ids) - primary  # primary wins if both are ticked
    known = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(primary | secondary))))
    if known != primary | secondary:
        raise DomainError("Choose topics from the list.")
    programs = list(db.session.scalars(select(GrantProgram).where(GrantProgram.id.in_(values.program_ids))))
    if len(programs) != len(set(values.program_ids)):
        raise DomainError("Choose programs from the list.")
    if values.backup_user_id is not None:
        if values.backup_user_id == user_id:
            raise DomainError("Someone cannot be their own backup.")
        backup = db.session.get(User, values.backup_user_id)
        if backup is None or not backup.active or backup.role not in ASSIGNABLE_ROLES:
            raise DomainError("Choose an active TA staff member as backup.")
    profile.capacity = values.capacity
    profile.active = values.active
    profile.backup_user_id = values.backup_user_id
    profile.expertise = [StaffExpertise(topic_id=t, level=Level.PRIMARY.value) for t in sorted(primary)] + [
        StaffExpertise(topic_id=t, level=Level.SECONDARY.value) for t in sorted(secondary)
    ]
    db.session.flush()  # the old rows go before the new ones share their keys
    profile.states = [StaffState(state=code) for code in sorted(set(values.states))]
    profile.programs = programs
    db.session.commit()
    return profile


def may_edit_availability(actor: User, user_id: int) -> bool:
    return actor.role_enum in LEADS or (actor.id == user_id and actor.role in ASSIGNABLE_ROLES)


def add_absence(
    user_id: int, starts_on: date, ends_on: date, note: str = "", *, actor: User, now: datetime | None = None
) -> StaffAbsence:
    """Record an out-of-office range: staff for themselves, leads and admins for anyone."""
    if not may_edit_availability(actor, user_id):
        raise NotAllowed("You can only change your own availability.")
    today = (now or utcnow()).date()
    if ends_on < starts_on:
        raise DomainError("The last day must be on or after the first day.")
    if ends_on < today:
        raise DomainError("That range is already over.")
    get_or_new_profile(user_id)
    db.session.flush()
    absence = StaffAbsence(user_id=user_id, starts_on=starts_on, ends_on=ends_on, note=note.strip()[:500])
    db.session.add(absence)
    db.session.commit()
    return absence


def remove_absence(absence_id: int, *, actor: User) -> None:
    """Delete an out-of-office range (same rule as adding one)."""
    absence = db.session.get(StaffAbsence, absence_id)
    if absence is None or not may_edit_availability(actor, absence.user_id):
        raise NotFound("There is no such absence that you can change.")
    db.session.delete(absence)
    db.session.commit()


def save_settings(values: dict, *, actor: User) -> RoutingSettings:
    """Admins set the routing mode, weights and rules; unknown keys are refused."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins can change the routing settings.")
    if set(values) - set(DEFAULTS):
        raise DomainError("Unknown setting.")
    if values.get("mode", RoutingMode.SUGGEST.value) not in {m.value for m in RoutingMode}:
        raise DomainError("Choose a routing mode from the list.")
    for key, value in values.items():
        if key.startswith(("weight_", "penalty_")) and not 0 <= value <= 1000:
            raise DomainError("Weights must be between 0 and 1000.")
        if key.startswith("tier_") and not 0 < value <= 10:
            raise DomainError("Tier weights must be above 0 and at most 10.")
    if not 1 <= values.get("stalled_days", 10) <= 365:
        raise DomainError("Stalled after must be between 1 and 365 days.")
    settings = current_settings()
    for key, value in values.items():
        setattr(settings, key, value)
    db.session.add(settings)
    record_event(
        Action.SETTINGS_CHANGED,
        actor=actor,
        object_type="routing_settings",
        object_ref="routing",
        detail=", ".join(sorted(values))[:200],
    )
    db.session.commit()
    return settings
