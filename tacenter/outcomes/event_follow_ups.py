"""Follow-ups after an event is delivered: each active requester account of each organization
that attended gets the follow-up 30 and 90 days (center settings) after delivery, one reminder,
then it lapses, exactly like a closed request's.

Exactly once per event, contact and window: the sweep INSERTs the follow_up rows (unique on
event, contact and window, ON CONFLICT DO NOTHING … RETURNING) and queues their emails in the
same transaction. The reminder and the lapse are the request follow-ups' conditional UPDATEs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus
from tacenter.i18n import recipient_locale
from tacenter.notifications.services import queue_email
from tacenter.outcomes.models import FollowUp
from tacenter.vocab import Role


def email_event_follow_up(follow_up: FollowUp, kind: str) -> None:
    """`kind` is follow_up or follow_up_reminder; the event's emails are event_<kind>."""
    contact = db.session.get(User, follow_up.contact_id)
    event = db.session.get(Event, follow_up.event_id)
    queue_email(
        contact.email,
        f"event_{kind}",
        {"user": contact, "event": event, "days": follow_up.window_days},
        locale=recipient_locale(contact),
        recipient_id=contact.id,
    )


def _claim(rows: list[dict]) -> list[int]:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(FollowUp)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["event_id", "contact_id", "window_days"])
        .returning(FollowUp.id)
    )
    return [row[0] for row in db.session.execute(statement)]


def send_new_event_follow_ups(days: int, *, now: datetime, remind: int, lapse: int) -> int:
    """Open the `days` window for every contact of every event delivered at least `days` ago
    (but not so long ago that the window would already have lapsed)."""
    due = db.session.execute(
        select(Event.id, User.id)
        .distinct()
        .join(EventAttendance, EventAttendance.event_id == Event.id)
        .join(User, User.organization_id == EventAttendance.organization_id)
        .where(
            Event.status == EventStatus.DELIVERED,
            Event.delivered_at <= now - timedelta(days=days),
            Event.delivered_at > now - timedelta(days=days + remind + lapse),
            User.role == Role.REQUESTER.value,
            User.active,
            ~select(FollowUp.id)
            .where(
                FollowUp.event_id == Event.id, FollowUp.contact_id == User.id, FollowUp.window_days == days
            )
            .exists(),
        )
        .order_by(Event.id, User.id)
    ).all()
    if not due:
        return 0
    claimed = _claim(
        [{"event_id": eid, "contact_id": uid, "window_days": days, "sent_at": now} for eid, uid in due]
    )
    for follow_up in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(claimed))):
        email_event_follow_up(follow_up, "follow_up")
    return len(claimed)
