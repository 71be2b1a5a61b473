from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.db import TimestampMixin, utcnow
from tacenter.extensions import db
from tacenter.vocab import STAFF_SIDE, OrgType, Role


class OrgStatus(enum.StrEnum):
    """Vetting (tacenter.registry.vetting): a self-registered organization is pending until a
    lead approves it or merges it into an existing one."""

    PENDING = "pending"
    APPROVED = "approved"
    MERGED = "merged"


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    org_type: Mapped[str] = mapped_column(String(32), default=OrgType.OTHER.value)
    state: Mapped[str] = mapped_column(String(2))
    # The registry (tacenter.registry): further states a tribal organization spans, as
    # "AZ;NM;UT"; flags from the funder's roster; the id a roster or import gave it.
    other_states: Mapped[str] = mapped_column(String(200), default="")
    is_tribal: Mapped[bool] = mapped_column(default=False)
    is_territory: Mapped[bool] = mapped_column(default=False)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OrgStatus.APPROVED.value, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))

    @property
    def is_pending(self) -> bool:
        return self.status == OrgStatus.PENDING

    @property
    def org_type_label(self) -> str:
        return OrgType(self.org_type).label


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (accounts.services.normalize_email), so unique is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default=Role.REQUESTER.value)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Account lifecycle (accounts/lifecycle.py): the last sign-in, and when the "unused
    # account" warning went out (it counts only if later than the last sign-in).
    last_sign_in_at: Mapped[datetime | None] = mapped_column()
    inactivity_warned_at: Mapped[datetime | None] = mapped_column()
    # The language of their pages and emails (a code of config LANGUAGES); None until they
    # choose, when pages follow the browser and emails the default language.
    locale: Mapped[str | None] = mapped_column(String(8))

    organization: Mapped[Organization | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated user cannot sign in
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff_side(self) -> bool:
        return self.role_enum in STAFF_SIDE

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSession(db.Model):
    """A server-side sign-in: the cookie carries its token, the row makes it revocable."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Shown on the sessions page so people recognise their devices.
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")


class PasswordReset(db.Model):
    """A one-time "forgot password" link; only the token's hash is stored, as for invitations."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
