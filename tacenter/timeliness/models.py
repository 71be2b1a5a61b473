from __future__ import annotations

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import TimestampMixin
from tacenter.extensions import db


class TimelinessTarget(TimestampMixin, db.Model):
    """The center's promises for one tier and urgency, in business days (admin-edited).

    A missing row means the defaults in targets.DEFAULTS apply.
    """

    __tablename__ = "timeliness_target"
    __table_args__ = (
        UniqueConstraint("tier", "urgency"),
        CheckConstraint(
            "first_response_days >= 0 AND assignment_days >= 0 AND delivery_days >= 0",
            name="days_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))  # vocab.Tier
    urgency: Mapped[str] = mapped_column(String(16))  # vocab.Urgency
    first_response_days: Mapped[int]
    assignment_days: Mapped[int]
    delivery_days: Mapped[int]
