"""Read-only: the reminders sent about a request, for its history."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.extensions import db
from tacenter.reminders.models import ReminderSent


def reminder_history(ta_request_id: int) -> list[ReminderSent]:
    return list(
        db.session.scalars(
            select(ReminderSent)
            .where(ReminderSent.ta_request_id == ta_request_id)
            .order_by(ReminderSent.sent_at, ReminderSent.id)
        )
    )
