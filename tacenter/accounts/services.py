"""Account use cases: sign-in sessions, users, registration and invitations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from tacenter.accounts import passwords, session_scalars
from tacenter.accounts.models import LoginSession, Organization, OrgStatus, User
from tacenter.audit.models import Outcome
from tacenter.audit.services import Action, current_address, record_event, record_event_now
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.i18n import supported
from tacenter.vocab import STATES, OrgType, Role

SESSION_TOUCH_SECONDS = 60


def normalize_email(email: str) -> str:
    return email.strip().lower()


def token_hash(token: str) -> str:
    """What a session row stores of its token (the token itself is only in the cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- users -----------------------------------------------------------------------------------


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def get_or_create_organization(
    name: str, org_type: str = OrgType.OTHER.value, state: str = "DC"
) -> Organization:
    org = db.session.scalar(select(Organization).where(func.lower(Organization.name) == name.strip().lower()))
    if org is None:
        if state not in STATES:
            raise DomainError(f"Unknown state or territory: {state}")
        org = Organization(name=name.strip(), org_type=org_type, state=state)
        db.session.add(org)
        db.session.flush()
    return org


def create_user(
    email: str,
    name: str,
    role: str,
    password: str,
    *,
    organization: Organization | None = None,
    locale: str | None = None,
) -> User:
    """Create an active user. Requesters must belong to an organization."""
    role_value = Role(role).value
    if role_value == Role.REQUESTER and organization is None:
        raise DomainError(_l("A requester must belong to an organization."))
    problem = passwords.password_problem(password, user_inputs=(email, name))
    if problem:
        raise DomainError(problem)
    if find_user_by_email(email):
        raise Conflict(_l("An account with that email already exists."))
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        role=role_value,
        organization=organization if role_value == Role.REQUESTER else None,
        password_hash=passwords.hash_password(password),
        locale=supported(locale),
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_requester(
    email: str,
    name: str,
    password: str,
    *,
    organization_name: str,
    org_type: str,
    state: str,
    locale: str | None = None,
) -> User:
    """Open registration founds a new, pending organization; joining an existing one needs an invitation.

    Otherwise anyone could read an organization's requests by registering under its name.
    """
    exists = db.session.scalar(
        select(Organization.id).where(func.lower(Organization.name) == organization_name.strip().lower())
    )
    if exists:
        raise Conflict(
            _l("That organization already has an account. Ask a colleague or the TA center to invite you.")
        )
    org = get_or_create_organization(organization_name, org_type, state)
    # Pending until a lead approves it or merges it into the organization it really is
    # (tacenter.registry.vetting); its requests reach triage, flagged.
    org.status = OrgStatus.PENDING.value
    user = create_user(email, name, Role.REQUESTER, password, organization=org, locale=locale)
    db.session.commit()
    return user


def choose_language(user_id: int, locale: str) -> User:
    """Keep a user's language for their pages and for every email sent to them."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    code = supported(locale)
    if code is None:
        raise DomainError(_l("Choose one of the languages offered."))
    user.locale = code
    db.session.commit()
    return user


def deactivate_user(
    user_id: int, *, actor: User | None, reason: str = "", now: datetime | None = None
) -> User | None:
    """Deactivate an account and end all its sessions; its history stays.

    `actor` None is the system (the inactivity sweep); otherwise only admins may. Returns
    None, recording nothing, if the account was already inactive (a doubled sweep or click).
    """
    if actor is not None and actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.rollback()
        return None
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    from tacenter.catalog.cache import bump  # the catalog sits above accounts

    bump(db.session)  # a bulk UPDATE passes the ORM's watch: the staff pickers changed
    record_event(
        Action.USER_DEACTIVATED,
        actor=actor,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        detail=reason,
        now=now,
    )
    db.session.commit()
    return user


def reactivate_user(user_id: int, *, actor: User) -> User:
    """Admins let a deactivated account sign in again. The inactivity clock restarts now,
    so the sweep does not deactivate it again before its owner had a chance to sign in."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    user.active = True
    user.last_sign_in_at, user.inactivity_warned_at = utcnow(), None
    record_event(
        Action.USER_REACTIVATED,
        actor=actor,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
    )
    db.session.commit()
    return user


# --- sign-in ---------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Costs the same whether or not the user exists.

    A failure is audited on its own commit, with the email typed only if it looks like one
    (a password typed into the email box must not reach the log).
    """
    user = find_user_by_email(email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        typed = normalize_email(email)
        record_event_now(
            Action.SIGN_IN,
            object_type="user",
            object_ref=user.id if user else (typed if "@" in typed and " " not in typed else ""),
            organization_id=user.organization_id if user else None,
            outcome=Outcome.FAILURE,
            detail="deactivated account" if ok and user is not None else "wrong email or password",
        )
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def start_session(
    user: User, *, user_agent: str = "", method: str = "password", now: datetime | None = None
) -> str:
    """Record a new sign-in (audited, with how the person proved who they are: "password",
    "password + authenticator app", "passkey", "sso:<provider>") and return the cookie's token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:200],
            address=current_address(),
        )
    )
    user.last_sign_in_at = now
    record_event(Action.SIGN_IN, actor=user, object_type="user", object_ref=user.id, detail=method, now=now)
    db.session.commit()
    return token


def end_session(token: str | None, *, actor: User | None = None) -> None:
    """Sign out: the session row goes, so the cookie is refused everywhere from now on."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))
        if actor is not None:
            record_event(Action.SIGN_OUT, actor=actor, object_type="user", object_ref=actor.id)
        db.session.commit()


def user_for_session(
    user_id: str, token: str | None, *, idle_minutes: int, absolute_hours: int, now: datetime | None = None
) -> User | None:
    """The signed-in user if the server still honours this session, else None.

    A session ends at logout, at deactivation, after `idle_minutes` without a request
    and `absolute_hours` after sign-in, whatever the cookie says.
    """
    if not token or not user_id.isdigit():
        return None
    now = now or utcnow()
    # One query for the session row, its user and the figures every page shows (every page
    # pays for this lookup).
    found = db.session.execute(
        session_scalars.session_query(), {"token_hash": token_hash(token), "user_id": int(user_id)}
    ).first()
    if found is None:
        return None
    row, user = found[0], found[1]
    session_scalars.keep(dict(zip(session_scalars.SESSION_SCALARS, found[2:], strict=True)))
    expired = now - row.last_seen_at > timedelta(minutes=idle_minutes) or now - row.created_at > timedelta(
        hours=absolute_hours
    )
    if expired or user is None or not user.active:
        db.session.delete(row)
        db.session.commit()
        return None
    if (now - row.last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        row.last_seen_at = now
        db.session.commit()
    return user
