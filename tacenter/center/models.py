"""The center's own settings: its name on reports, when follow-ups go out. One row (id 1), admins edit it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db

# Until an admin names the center, reports carry the name the app shows in its header.
DEFAULT_CENTER_NAME = "IECMH TA Center"
DEFAULT_FOLLOW_UP_DAYS = "30,90"


class CenterSettings(db.Model):
    __tablename__ = "center_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default=DEFAULT_CENTER_NAME)
    # Identity (docs/identity.md): staff-side users sign in only through single sign-on;
    # requesters and TA staff need a second factor too (leads, leadership, admins always do).
    require_sso_for_staff: Mapped[bool] = mapped_column(default=False)
    require_two_factor_for_all: Mapped[bool] = mapped_column(default=False)
    # Follow-ups after a request closes: the windows (days, comma-separated), then one reminder
    # to non-responders after `follow_up_remind_days`, and the follow-up lapses after
    # `follow_up_lapse_days` more (tacenter/outcomes/follow_ups.py).
    follow_up_days: Mapped[str] = mapped_column(String(40), default=DEFAULT_FOLLOW_UP_DAYS)
    follow_up_remind_days: Mapped[int] = mapped_column(default=14)
    follow_up_lapse_days: Mapped[int] = mapped_column(default=14)
    # An event's participant survey takes answers for this many days after the event.
    event_survey_days: Mapped[int] = mapped_column(default=14)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
