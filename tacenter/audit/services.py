"""Writing audit events: `record_event` adds one to the caller's transaction.

Callers in the service layer call it just before their own commit, so the event and the
action it records are saved together or not at all. Where nothing else is written (a failed
sign-in, a download), `record_event_now` commits the event on its own.
"""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.audit.chain import event_hash
from tacenter.audit.models import GENESIS, AuditChainHead, AuditEvent, Outcome
from tacenter.db import utcnow
from tacenter.extensions import db


class Action:
    """Every action the log knows; the admin filter lists these."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    PASSWORD_SET = "password_set"  # noqa: S105  (an action name, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105  (by an emailed one-time link)
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (signed in, knowing the old one)
    ROLE_CHANGED = "role_changed"
    ORGANIZATION_CREATED = "organization_created"
    ORGANIZATION_CHANGED = "organization_changed"
    GRANT_CHANGED = "grant_changed"  # added or edited by hand (an import logs RECORDS_IMPORTED)
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    INACTIVITY_WARNED = "inactivity_warned"
    SETTINGS_CHANGED = "settings_changed"
    RECORDS_EXPORTED = "records_exported"
    RECORDS_IMPORTED = "records_imported"
    FILE_DOWNLOADED = "file_downloaded"
    ACCESS_DENIED = "access_denied"
    SESSION_ENDED = "session_ended"
    AUDIT_EXPORTED = "audit_exported"
    AUDIT_ARCHIVED = "audit_archived"
    # Identity (docs/identity.md): second factors and single sign-on.
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"  # an authenticator app or a passkey added
    TWO_FACTOR_FAILED = "two_factor_failed"  # a wrong, reused or expired code; a refused passkey
    TWO_FACTOR_RESET = "two_factor_reset"  # an admin removed a user's second factors
    RECOVERY_CODES_CREATED = "recovery_codes_created"  # a new set (the old one no longer works)
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105  (an action name)
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105  (an action name)
    WEBHOOK_CHANGED = "webhook_changed"

    @classmethod
    def all(cls) -> list[str]:
        return sorted(v for k, v in vars(cls).items() if k.isupper())


def current_address() -> str:
    """The client's address as the trusted proxies reported it.

    ProxyFix (PROXY_COUNT) has already replaced remote_addr with the X-Forwarded-For entry
    our own proxies added; a client-sent header is never read here. Outside a request
    (the worker, the CLI) there is none.
    """
    if has_request_context():
        return (request.remote_addr or "")[:45]
    return ""


def _lock_chain_head(now: datetime) -> str:
    """Take the chain head's row lock and return the newest event's hash.

    An UPDATE first, then the read: on PostgreSQL the UPDATE holds the row lock until
    commit (as SELECT ... FOR UPDATE would), and on SQLite it takes the database's write
    lock before the read, so a second writer waits instead of chaining onto a stale head.
    """
    locked = db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(locked_at=now)
        .returning(AuditChainHead.last_hash)
    ).scalar()
    if locked is not None:
        return locked
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(AuditChainHead)
        .values(id=1, last_hash=GENESIS, locked_at=now)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return _lock_chain_head(now)


def record_event(
    action: str,
    *,
    actor=None,
    object_type: str = "",
    object_ref: str | int = "",
    organization_id: int | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: str = "",
    address: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add one event to the current transaction, chained onto the newest one.

    `actor` is the user acting (None: the system, or nobody signed in). The organization
    defaults to the actor's. Never pass a secret, a note or file content in any field.
    """
    if outcome not in Outcome.ALL:
        raise ValueError(f"unknown outcome {outcome!r}")
    now = now or utcnow()
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=now,
        actor_id=actor.id if signed_in else None,
        actor_label=(actor.email if signed_in else "")[:254],
        action=action,
        object_type=object_type[:48],
        object_ref=str(object_ref)[:200],
        organization_id=organization_id
        if organization_id is not None
        else (actor.organization_id if signed_in else None),
        address=current_address() if address is None else address[:45],
        outcome=outcome,
        detail=detail[:200],
    )
    event.prev_hash = _lock_chain_head(now)
    event.hash = event_hash(event)
    db.session.add(event)
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=event.hash))
    return event


def record_event_now(action: str, **values) -> AuditEvent:
    """Record and commit an event that has no other write to ride with (a failed sign-in,
    a download, a denied request)."""
    event = record_event(action, **values)
    db.session.commit()
    return event
