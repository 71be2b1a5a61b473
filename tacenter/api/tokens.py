"""Personal access tokens: create (shown once), revoke, and authenticate a request with one.

A token acts as its user: the same role, organization and visibility rule, never more, and a
deactivated user's tokens stop working at once. Only the SHA-256 of a token is stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from tacenter.accounts.models import User
from tacenter.accounts.services import token_hash
from tacenter.api.models import ApiToken, TokenScope
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import Role

PREFIX = "tac_"
MAX_DAYS = 365
# last_used_at is written at most this often per token: a busy client does not write on every call.
TOUCH_SECONDS = 60


def create_token(
    name: str, scope: str, expires_in_days: int, *, actor: User, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `actor` (the secret is returned once and never stored). Audited."""
    now = now or utcnow()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(_l("Give the token a name of up to 100 characters."))
    if scope not in {s.value for s in TokenScope}:
        raise DomainError(_l("Choose read or read and write."))
    if not 1 <= int(expires_in_days) <= MAX_DAYS:
        raise DomainError(_l("A token expires within a year: choose 1 to 365 days."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=int(expires_in_days)),
    )
    db.session.add(token)
    db.session.flush()
    record_event(
        Action.API_TOKEN_CREATED,
        actor=actor,
        object_type="api_token",
        object_ref=token.id,
        detail=f"{scope}, expires {token.expires_at.date().isoformat()}",
        now=now,
    )
    db.session.commit()
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def all_tokens() -> list[ApiToken]:
    """Every token (the admin's list), newest first."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc()).limit(1000)))


def revoke_token(token_id: int, *, actor: User, now: datetime | None = None) -> ApiToken:
    """Its owner revokes a token; an admin may revoke anyone's. Audited."""
    now = now or utcnow()
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role_enum != Role.ADMIN):
        raise NotFound(_l("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = now
        record_event(
            Action.API_TOKEN_REVOKED,
            actor=actor,
            object_type="api_token",
            object_ref=token.id,
            organization_id=token.user.organization_id,
            detail=f"owner {token.user_id}",
            now=now,
        )
        db.session.commit()
    return token


_BY_HASH = select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))  # built once: every call


def authenticate(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret whose user is active, or None. Records its last use."""
    now = now or utcnow()
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(_BY_HASH, {"token_hash": token_hash(secret)})
    if token is None or not token.is_live(now) or not token.user.active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOUCH_SECONDS:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token
