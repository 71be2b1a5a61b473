"""Passkeys (WebAuthn, py_webauthn): registering one, and signing in with one.

A passkey sign-in requires user verification (PIN or biometric on the authenticator), so it
is two factors on its own: the second step of a password sign-in, or a sign-in without one.
The challenge lives in the browser's session and is used once.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import current_app, session
from sqlalchemy import select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.twofactor.models import Passkey
from tacenter.twofactor.services import is_enrolled, replace_recovery_codes

CHALLENGE_KEY = "webauthn_challenge"


class PasskeyRefused(DomainError):
    """The browser's answer did not verify (wrong origin, challenge, signature or key)."""


def relying_party() -> tuple[str, str]:
    """(RP id, origin): the site's domain and origin, from BASE_URL (WEBAUTHN_RP_ID overrides)."""
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.config.get("WEBAUTHN_RP_ID") or base.hostname or "", f"{base.scheme}://{base.netloc}"


def passkeys_of(user_id: int) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.id)))


def _remember(challenge: bytes, purpose: str) -> None:
    session[CHALLENGE_KEY] = {"c": bytes_to_base64url(challenge), "p": purpose}


def _take(purpose: str) -> bytes:
    note = session.pop(CHALLENGE_KEY, None)
    if not isinstance(note, dict) or note.get("p") != purpose:
        raise PasskeyRefused(_l("The passkey request expired. Try again."))
    return base64url_to_bytes(note["c"])


def registration_options(user: User) -> str:
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="TA Center",
        user_id=f"user-{user.id}".encode(),
        user_name=user.email,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in passkeys_of(user.id)
        ],
    )
    _remember(options.challenge, f"register:{user.id}")
    return options_to_json(options)


def register(user: User, credential: dict | str, *, name: str = "") -> list[str]:
    """Save the new passkey; the new recovery codes when it is the account's first second
    factor (as with an authenticator app: shown once, stored hashed), else []."""
    rp_id, origin = relying_party()
    challenge = _take(f"register:{user.id}")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise PasskeyRefused(_l("This passkey could not be checked. Try again.")) from error
    passkey = Passkey(
        user_id=user.id,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name or "Passkey")[:80],
    )
    first = not is_enrolled(user.id)
    db.session.add(passkey)
    codes = replace_recovery_codes(user.id, utcnow()) if first else []
    record_event(
        Action.TWO_FACTOR_ENROLLED, actor=user, object_type="user", object_ref=user.id, detail="passkey"
    )
    db.session.commit()
    return codes


def authentication_options(user: User | None) -> str:
    """For the second step (the pending user's passkeys) or a sign-in without a password
    (any passkey of this site the authenticator holds)."""
    rp_id, _origin = relying_party()
    allow = (
        [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in passkeys_of(user.id)]
        if user
        else []
    )
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=allow, user_verification=UserVerificationRequirement.REQUIRED
    )
    _remember(options.challenge, f"sign-in:{user.id if user else ''}")
    return options_to_json(options)


def authenticate(credential: dict, *, user: User | None) -> User:
    """The user whose passkey signed the challenge (it must be `user`'s when one is given)."""
    rp_id, origin = relying_party()
    challenge = _take(f"sign-in:{user.id if user else ''}")
    raw_id = credential.get("rawId") or credential.get("id") if isinstance(credential, dict) else None
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == str(raw_id or "")[:512]))
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise PasskeyRefused(_l("This passkey is not registered for an account here."))
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(_l("This passkey could not be checked. Try again.")) from error
    db.session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    owner = db.session.get(User, passkey.user_id)
    if owner is None or not owner.active:
        raise PasskeyRefused(_l("This account is deactivated."))
    return owner
