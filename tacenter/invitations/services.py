"""Inviting people and accepting invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel.speaklater import LazyString
from sqlalchemy import select

from tacenter.accounts.models import Organization, User
from tacenter.accounts.services import create_user, find_user_by_email, normalize_email
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.i18n import supported
from tacenter.invitations.models import Invitation
from tacenter.notifications.services import queue_email
from tacenter.vocab import Role

INVITATION_DAYS = 14


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_user(
    email: str,
    role: str,
    *,
    actor: User,
    organization_id: int | None = None,
    locale: str | None = None,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by email, in the invitee's language. Leads invite requesters; admins anyone."""
    role_value = Role(role).value
    if actor.role_enum not in (Role.LEAD, Role.ADMIN):
        raise NotAllowed()
    if actor.role_enum == Role.LEAD and role_value != Role.REQUESTER:
        raise NotAllowed("Leads can invite requesters only.")
    org = db.session.get(Organization, organization_id) if organization_id else None
    if role_value == Role.REQUESTER and org is None:
        raise DomainError("Choose the requester's organization.")
    if find_user_by_email(email):
        raise Conflict("An account with that email already exists.")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_token_hash(token),
        email=normalize_email(email),
        role=role_value,
        organization=org if role_value == Role.REQUESTER else None,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        locale=supported(locale),
    )
    db.session.add(invitation)
    queue_email(
        invitation.email,
        "invitation",
        {
            "token": token,
            "inviter": actor.name,
            "organization": org.name if org else None,
            "role": LazyString(lambda: Role(role_value).label),
        },
        locale=invitation.locale,
    )
    db.session.commit()
    return invitation, token


def find_invitation(token: str, *, now: datetime | None = None) -> Invitation:
    now = now or utcnow()
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < now:
        raise NotFound(_l("This invitation is not valid. It may have expired or been used already."))
    return invitation


def accept_invitation(
    token: str, name: str, password: str, *, locale: str | None = None, now: datetime | None = None
) -> User:
    """Create the invited account; the link works once."""
    now = now or utcnow()
    invitation = find_invitation(token, now=now)
    user = create_user(
        invitation.email,
        name,
        invitation.role,
        password,
        organization=invitation.organization,
        locale=locale or invitation.locale,
    )
    invitation.accepted_at = now
    # The account's first password: the only way one is set today (there is no change form yet).
    record_event(
        Action.PASSWORD_SET,
        actor=user,
        object_type="user",
        object_ref=user.id,
        detail="invitation accepted",
        now=now,
    )
    db.session.commit()
    return user
