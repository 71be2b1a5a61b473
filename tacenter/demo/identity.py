"""The demo's second factors: leads, leadership and admins must have one, so the demo gives
theirs a known authenticator secret (README: add it to an app, or print today's code)."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.twofactor.models import TotpCredential
from tacenter.twofactor.services import ALWAYS_REQUIRED, totp_credential

# Public on purpose (it is in the README): demo data only, never a real deployment's.
DEMO_TOTP_SECRET = "TACENTERDEMOTOTPSECRETONLYFORDEV"  # noqa: S105


def seed_two_factor() -> None:
    """Idempotent: every demo account that needs a second factor has the demo secret."""
    users = db.session.scalars(
        select(User).where(
            User.email.like("%@demo.tacenter.org"), User.role.in_([r.value for r in ALWAYS_REQUIRED])
        )
    )
    for user in users:
        if db.session.scalar(select(TotpCredential.id).where(TotpCredential.user_id == user.id)) is None:
            db.session.add(totp_credential(user.id, DEMO_TOTP_SECRET))
    db.session.commit()
