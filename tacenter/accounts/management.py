"""Account management by admins: roles and organizations. (Deactivation: services.deactivate_user.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from tacenter.accounts.models import Organization, User
from tacenter.audit.services import Action, record_event
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.vocab import STATES, OrgType, Role


def _require_admin(actor: User) -> None:
    if actor is None or not actor.is_authenticated or actor.role_enum != Role.ADMIN:
        raise NotAllowed()


def change_role(user_id: int, role: str, *, actor: User, organization_id: int | None = None) -> User:
    """Admins change a user's role. Requesters belong to an organization; staff-side people do not.

    An admin cannot change their own role, so the center always keeps an admin.
    """
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    try:
        new_role = Role(role)
    except ValueError:
        raise DomainError("Choose a role from the list.") from None
    if user.id == actor.id and new_role != Role.ADMIN:
        raise DomainError("You cannot change your own role. Ask another admin.")
    before = (user.role, user.organization_id)
    if new_role == Role.REQUESTER:
        org_id = organization_id or user.organization_id
        if org_id is None or db.session.get(Organization, org_id) is None:
            raise DomainError("Choose the requester's organization.")
        user.organization_id = org_id
    else:
        user.organization_id = None
    user.role = new_role.value
    record_event(
        Action.ROLE_CHANGED,
        actor=actor,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        detail=f"{before[0]} (organization {before[1]}) -> {user.role} (organization {user.organization_id})",
    )
    db.session.commit()
    return user


@dataclass(frozen=True)
class OrganizationFlags:
    """What the funder's roster says of an organization beyond its name and state."""

    other_states: str = ""
    is_tribal: bool = False
    is_territory: bool = False


def _set_flags(org: Organization, flags: OrganizationFlags | None) -> None:
    if flags is not None:  # callers that do not show the flags leave them as they are
        org.other_states = _check_other_states(flags.other_states)
        org.is_tribal, org.is_territory = flags.is_tribal, flags.is_territory


def _check_organization(name: str, org_type: str, state: str, *, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError("Give the organization a name.")
    try:
        OrgType(org_type)
    except ValueError:
        raise DomainError("Choose an organization type from the list.") from None
    if state not in STATES:
        raise DomainError("Choose a state or territory from the list.")
    clash = select(Organization.id).where(func.lower(Organization.name) == name.lower())
    if exclude_id is not None:
        clash = clash.where(Organization.id != exclude_id)
    if db.session.scalar(clash) is not None:
        raise Conflict("An organization with that name already exists.")
    return name


def _check_other_states(other_states: str) -> str:
    """Further states as the registry stores them ("AZ;NM;UT"), the same as an import."""
    codes = [code.strip().upper() for code in other_states.replace(",", ";").split(";") if code.strip()]
    unknown = [code for code in codes if code not in STATES]
    if unknown:
        raise DomainError(f"These are not state or territory codes: {', '.join(unknown)}.")
    return ";".join(dict.fromkeys(codes))


def create_organization(
    name: str, org_type: str, state: str, *, actor: User, flags: OrganizationFlags | None = None
) -> Organization:
    """Admins add an organization; names are unique regardless of case."""
    _require_admin(actor)
    org = Organization(name=_check_organization(name, org_type, state), org_type=org_type, state=state)
    _set_flags(org, flags)
    db.session.add(org)
    db.session.flush()
    record_event(
        Action.ORGANIZATION_CREATED,
        actor=actor,
        object_type="organization",
        object_ref=org.id,
        organization_id=org.id,
    )
    db.session.commit()
    return org


def update_organization(
    org_id: int, name: str, org_type: str, state: str, *, actor: User, flags: OrganizationFlags | None = None
) -> Organization:
    """Admins rename or re-file an organization; its people and requests stay with it."""
    _require_admin(actor)
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("There is no such organization.")
    org.name = _check_organization(name, org_type, state, exclude_id=org.id)
    org.org_type, org.state = org_type, state
    _set_flags(org, flags)
    record_event(
        Action.ORGANIZATION_CHANGED,
        actor=actor,
        object_type="organization",
        object_ref=org.id,
        organization_id=org.id,
    )
    db.session.commit()
    return org
