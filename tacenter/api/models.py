"""Personal access tokens: how a program acts as its user on the JSON API."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db


class TokenScope(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(db.Model):
    """A token is shown once; only its SHA-256 is kept (it has 256 bits of entropy, so a fast
    hash is enough: there is nothing to guess). It acts as its user, never more."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognize it in a list
    scope: Mapped[str] = mapped_column(String(16), default=TokenScope.READ.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
