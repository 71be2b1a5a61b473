"""Single sign-on: which providers exist, who may use them, and matching an ID token to a user.

A user is matched by the provider's subject once linked, or the first time by an email the
provider says is verified. Nobody is ever created here: an unknown person is refused, and so
is a requester (SSO is for staff-side users, whose roles only an admin grants).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.accounts.services import find_user_by_email
from tacenter.audit.models import Outcome
from tacenter.audit.services import Action, record_event_now
from tacenter.center.services import center_settings
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.sso.models import SsoIdentity


class SsoRefused(DomainError):
    """The provider said who this is, but they may not sign in here (the message says why)."""


def sso_providers() -> list[tuple[str, str]]:
    """(name, label) of each configured provider, in the order configured."""
    return [(name, p["label"]) for name, p in current_app.config.get("OIDC_PROVIDERS", {}).items()]


def sso_required_for(user: User) -> bool:
    """The admin requires single sign-on of staff-side users (and a provider exists)."""
    return bool(user.is_staff_side and sso_providers() and center_settings().require_sso_for_staff)


def refuse_password(user: User) -> None:
    record_event_now(
        Action.SIGN_IN,
        object_type="user",
        object_ref=user.id,
        outcome=Outcome.FAILURE,
        detail="password refused: single sign-on required",
    )


def record_sso_failure(provider: str, reason: str, *, user: User | None = None) -> None:
    """An SSO sign-in that failed (bad state, token, or no matching account); never a token."""
    record_event_now(
        Action.SIGN_IN,
        object_type="user",
        object_ref=user.id if user else "",
        organization_id=user.organization_id if user else None,
        outcome=Outcome.FAILURE,
        detail=f"sso:{provider}: {reason}"[:200],
    )


def match_user(provider: str, claims: dict) -> User:
    """The user this validated ID token names, linking (provider, subject) at the first match."""
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise SsoRefused(_l("The sign-in service did not say who you are."))
    link = db.session.scalar(
        select(SsoIdentity).where(SsoIdentity.provider == provider, SsoIdentity.subject == subject)
    )
    user = db.session.get(User, link.user_id) if link else None
    if user is None:
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is not True:
            raise SsoRefused(_l("The sign-in service did not give a verified email address."))
        user = find_user_by_email(email)
        if user is None:
            raise SsoRefused(
                _l("There is no account here for %(email)s. Ask a TA center admin to add you.", email=email)
            )
    if not user.active:
        raise SsoRefused(_l("This account is deactivated. Ask a TA center admin to reactivate it."))
    if not user.is_staff_side:
        raise SsoRefused(_l("Single sign-on is for TA center staff. Sign in with your email and password."))
    if link is None:
        link = SsoIdentity(user_id=user.id, provider=provider, subject=subject)
        db.session.add(link)
    link.last_used_at = utcnow()
    db.session.flush()  # saved with the sign-in's commit
    return user
