"""Admins add, edit and end an organization's grants by hand (an import does it in bulk)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import Organization, User
from tacenter.audit.services import Action, record_event
from tacenter.catalog.models import GrantProgram
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.registry.models import Grant
from tacenter.vocab import Role

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # the import's check (records/cells.py)
DUPLICATE = "Another grant already has that grant number."


@dataclass(frozen=True)
class GrantValues:
    program_id: int | None
    grant_number: str
    project_start: date
    project_end: date
    gpo_name: str = ""
    gpo_email: str = ""
    project_director: str = ""


def _check(values: GrantValues, grant: Grant | None) -> GrantValues:
    number = values.grant_number.strip()
    if not number:
        raise DomainError("Give the grant number.")
    program = db.session.get(GrantProgram, values.program_id) if values.program_id else None
    if program is None:
        raise DomainError("Choose a grant program from the list.")
    # An inactive program may stay on a grant that already had it, so an old grant can still
    # be corrected or ended; it cannot be given to a new one.
    if not program.active and (grant is None or grant.program_id != program.id):
        raise DomainError("That grant program is no longer active. Choose an active one.")
    if values.project_end < values.project_start:
        raise DomainError("The project period cannot end before it starts.")
    email = values.gpo_email.strip().lower()
    if email and not EMAIL.match(email):
        raise DomainError("Give the project officer's email as name@example.org.")
    # The grant number is the funder's key, and an import matches a roster on it, so it is
    # unique across programs (which makes it unique within each one too).
    clash = select(Grant.id).where(func.lower(Grant.grant_number) == number.lower())
    if grant is not None:
        clash = clash.where(Grant.id != grant.id)
    if db.session.scalar(clash) is not None:
        raise Conflict(DUPLICATE)
    return GrantValues(
        program.id,
        number,
        values.project_start,
        values.project_end,
        values.gpo_name.strip(),
        email,
        values.project_director.strip(),
    )


def save_grant(
    organization_id: int, values: GrantValues, *, actor: User, grant_id: int | None = None
) -> Grant:
    """Add a grant to the organization (no grant_id) or change one of its grants; audited."""
    if actor is None or not actor.is_authenticated or actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    if db.session.get(Organization, organization_id) is None:
        raise NotFound("There is no such organization.")
    grant = None
    if grant_id is not None:
        grant = db.session.get(Grant, grant_id)
        if grant is None or grant.organization_id != organization_id:
            raise NotFound("There is no such grant.")
    checked = _check(values, grant)
    if grant is None:
        grant = Grant(organization_id=organization_id)
        db.session.add(grant)
    before = _summary(grant) if grant.id else "new"
    for name, value in vars(checked).items():
        setattr(grant, name, value)
    try:
        db.session.flush()
    except IntegrityError:
        # Two admins saving the same number at once: the unique index decides, and the loser
        # reads the same message as the check above gives.
        db.session.rollback()
        raise Conflict(DUPLICATE) from None
    record_event(
        Action.GRANT_CHANGED,
        actor=actor,
        object_type="grant",
        object_ref=grant.id,
        organization_id=organization_id,
        detail=f"{before} -> {_summary(grant)}",
    )
    db.session.commit()
    return grant


def _summary(grant: Grant) -> str:
    # Dates and numbers only: names and emails stay out of the audit log.
    return f"{grant.grant_number} program {grant.program_id} {grant.project_start}..{grant.project_end}"
