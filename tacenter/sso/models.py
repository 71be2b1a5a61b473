"""Links between a user and an identity at an OpenID provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db


class SsoIdentity(db.Model):
    """(provider, subject) -> user: made at the first sign-in matched by a verified email,
    then the subject alone matches (an email can change at the provider; the subject cannot)."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_sso_identity_provider_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
