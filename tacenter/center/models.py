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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
