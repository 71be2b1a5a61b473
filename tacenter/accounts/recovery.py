"""Passwords after sign-up: "forgot password" by an emailed one-time link, and changing one's own.

Either way the new password follows the same rules as at sign-up (passwords.password_problem),
every other sign-in of the account ends, and the change is audited in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from tacenter.accounts import passwords
from tacenter.accounts.models import LoginSession, PasswordReset, User
from tacenter.accounts.services import find_user_by_email, normalize_email, token_hash
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.notifications.services import queue_email

INVALID_LINK = _l("This link to set a new password is not valid. It may have expired or been used already.")


class WrongPassword(DomainError):
    """The current password typed to change it is not the account's."""


class WeakPassword(DomainError):
    """The new password breaks the rules (length, easily guessed)."""


def _minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_MINUTES"])


def request_reset(email: str, *, now: datetime | None = None) -> str | None:
    """Email a one-time link to an active account with this address; do nothing visible otherwise.
    Returns the link's token, or None when no link was sent (the web page never says which).

    The caller answers the same either way. An unknown address goes through the same token and
    email rendering, and is then rolled back, so the two cost about the same (the email is sent
    later by the worker, never during the request).
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=token_hash(token),
        user_id=user.id if user else None,
        created_at=now,
        expires_at=now + timedelta(minutes=_minutes()),
    )
    if user is not None:
        db.session.add(reset)
    queue_email(
        user.email if user else normalize_email(email)[:254],
        "password_reset",
        {"token": token, "name": user.name if user else "", "minutes": _minutes()},
        locale=user.locale if user else None,
        recipient_id=user.id if user else None,
    )
    if user is None or not user.active:
        db.session.rollback()
        return None
    db.session.commit()
    return token


def find_reset(token: str, *, now: datetime | None = None) -> PasswordReset:
    """The unused, unexpired reset of an active account, or NotFound (a 404 page, never a 500)."""
    now = now or utcnow()
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    user = db.session.get(User, reset.user_id) if reset else None
    if (
        reset is None
        or reset.used_at is not None
        or _aware(reset.expires_at) < now
        or not user
        or not user.active
    ):
        raise NotFound(INVALID_LINK)
    return reset


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _set_password(user: User, password: str) -> None:
    problem = passwords.password_problem(password, user_inputs=(user.email, user.name))
    if problem:
        raise WeakPassword(problem)
    user.password_hash = passwords.hash_password(password)


def reset_password(token: str, password: str, *, now: datetime | None = None) -> User:
    """Set a new password from an emailed link. The link works once: a second use, even at the
    same moment, finds it used (a conditional UPDATE, which SQLite and PostgreSQL both honour)."""
    now = now or utcnow()
    reset = find_reset(token, now=now)
    user = db.session.get(User, reset.user_id)
    _set_password(user, password)
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise NotFound(INVALID_LINK)
    # Any other link of theirs dies too, and every sign-in ends: whoever knew the old password is out.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    ended = db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)).rowcount
    record_event(
        Action.PASSWORD_RESET,
        actor=user,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        detail=f"emailed link; sessions ended: {ended}",
        now=now,
    )
    db.session.commit()
    return user


def change_password(user_id: int, current: str, new: str, *, keep_session: str | None) -> User:
    """A signed-in user changes their password; their other sign-ins end, this one stays."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword(_l("Your current password is not correct."))
    _set_password(user, new)
    kept = token_hash(keep_session) if keep_session else ""
    ended = db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.token_hash != kept)
    ).rowcount
    record_event(
        Action.PASSWORD_CHANGED,
        actor=user,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        detail=f"other sessions ended: {ended}",
    )
    db.session.commit()
    return user
