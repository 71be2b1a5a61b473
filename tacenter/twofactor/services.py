"""Second factors: who needs one, TOTP (RFC 6238) with replay refusal, recovery codes, reset.

Leads, leadership and admins always need a second factor; requesters and TA staff when the
center's settings say so. Single sign-on leaves the second factor to the provider.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, exists, or_, select, update

from tacenter.accounts.models import LoginSession, User
from tacenter.audit.models import Outcome
from tacenter.audit.services import Action, record_event, record_event_now
from tacenter.center.services import center_settings
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.twofactor import crypto
from tacenter.twofactor.models import Passkey, RecoveryCode, TotpCredential
from tacenter.vocab import Role

ALWAYS_REQUIRED = frozenset({Role.LEAD, Role.LEADERSHIP, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed
ISSUER = "TA Center"


class WrongCode(DomainError):
    """A code that is wrong, already used, or outside its window."""


def required_for(user: User) -> bool:
    if user.role_enum in ALWAYS_REQUIRED:
        return True
    return bool(center_settings().require_two_factor_for_all)


def is_enrolled(user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(TotpCredential.user_id == user_id) | exists().where(Passkey.user_id == user_id)
            )
        )
    )


def has_totp(user_id: int) -> bool:
    return db.session.scalar(select(TotpCredential.id).where(TotpCredential.user_id == user_id)) is not None


# --- TOTP ------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def totp_credential(user_id: int, secret: str, **values) -> TotpCredential:
    """A new authenticator app's row: the secret encrypted with the application's key."""
    return TotpCredential(user_id=user_id, secret_encrypted=crypto.encrypt(secret), **values)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, one before or one after: clock drift) whose code this is."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def enrol_totp(user: User, secret: str, code: str, *, now: datetime | None = None) -> list[str]:
    """Save an authenticator app once it has shown it works; returns the new recovery codes
    when this is the account's first second factor (shown once, stored hashed)."""
    now = now or utcnow()
    step = _matching_step(secret, code, now)
    if step is None:
        raise WrongCode(_l("That code does not match. Check the time on your phone and try the newest code."))
    if has_totp(user.id):
        raise DomainError(_l("An authenticator app is already set up for this account."))
    first = not is_enrolled(user.id)
    db.session.add(totp_credential(user.id, secret, last_step=step, created_at=now))
    codes = replace_recovery_codes(user.id, now) if first else []
    record_event(
        Action.TWO_FACTOR_ENROLLED,
        actor=user,
        object_type="user",
        object_ref=user.id,
        detail="authenticator app",
    )
    db.session.commit()
    return codes


def rotate_encryption_key() -> int:
    """Re-encrypt every TOTP secret with the newest key (MultiFernet.rotate); how many."""
    multi = crypto.fernet()
    rows = db.session.execute(select(TotpCredential.id, TotpCredential.secret_encrypted)).all()
    for row_id, token in rows:
        rotated = multi.rotate(token.encode()).decode()
        db.session.execute(
            update(TotpCredential).where(TotpCredential.id == row_id).values(secret_encrypted=rotated)
        )
    db.session.commit()
    return len(rows)


def check_totp(user: User, code: str, *, now: datetime | None = None) -> bool:
    """True once per time step: the step is claimed with a guarded UPDATE, so a code replayed
    (or sent twice at once) within its 30-second window is refused."""
    now = now or utcnow()
    credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    if credential is None:
        return False
    step = _matching_step(crypto.decrypt(credential.secret_encrypted), code, now)
    if step is None:
        return False
    claimed = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.id == credential.id,
            or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


# --- recovery codes --------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(user_id: int, now: datetime) -> list[str]:
    """Ten new codes (the old ones deleted), saved with the caller's commit; shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=_code_hash(c), created_at=now) for c in codes)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """A fresh set of ten; the old ones stop working. Only for an enrolled account."""
    if not is_enrolled(user.id):
        raise DomainError(_l("Set up a second factor first."))
    codes = replace_recovery_codes(user.id, utcnow())
    record_event(Action.RECOVERY_CODES_CREATED, actor=user, object_type="user", object_ref=user.id)
    db.session.commit()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """True if this is one of the user's unused codes; it is spent at once (guarded UPDATE)."""
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(spent)


def recovery_codes_left(user_id: int) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        ).all()
    )


# --- the second step of a sign-in ------------------------------------------------------------


def verify_second_factor(user: User, code: str, *, now: datetime | None = None) -> str | None:
    """How the user proved it ("authenticator app" or "recovery code"), or None (audited)."""
    code = (code or "").strip()[:40]
    digits = "".join(code.split())
    if digits.isdigit() and check_totp(user, digits, now=now):
        return "authenticator app"
    if not digits.isdigit() and code and use_recovery_code(user, code):
        return "recovery code"
    record_failure(user, "wrong or reused code")
    return None


def record_failure(user: User, detail: str) -> None:
    record_event_now(
        Action.TWO_FACTOR_FAILED,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
        outcome=Outcome.FAILURE,
        detail=detail,
    )


def reset_second_factor(user_id: int, *, actor: User) -> User:
    """Admins remove a user's authenticator app, recovery codes and passkeys (a lost phone)
    and sign them out everywhere; their next sign-in asks them to enrol again if required."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    for model in (TotpCredential, RecoveryCode, Passkey):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    record_event(
        Action.TWO_FACTOR_RESET,
        actor=actor,
        object_type="user",
        object_ref=user.id,
        organization_id=user.organization_id,
    )
    db.session.commit()
    return user
