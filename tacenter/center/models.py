"""The center's own settings: how it is named on reports. One row (id 1), edited by admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db

# Until an admin names the center, reports carry the name the app shows in its header.
DEFAULT_CENTER_NAME = "IECMH TA Center"


class CenterSettings(db.Model):
    __tablename__ = "center_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default=DEFAULT_CENTER_NAME)
    # Identity (docs/identity.md): staff-side users sign in only through single sign-on;
    # requesters and TA staff need a second factor too (leads, leadership, admins always do).
    require_sso_for_staff: Mapped[bool] = mapped_column(default=False)
    require_two_factor_for_all: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
