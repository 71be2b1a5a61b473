"""The in-app notification list: reading, marking as read, and email preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select, update

from tacenter.accounts import session_scalars
from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.notifications.models import EmailMode, Notification, NotificationPreference


def notifications_for(user: User) -> Select[tuple[Notification]]:
    """A user's own notifications, newest first (nobody sees anyone else's)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count_column(user_id):
    """A user's unread count as a scalar subquery of their id (a value or a column)."""
    return (
        select(func.count())
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(unread_count_column(user_id)))


def header_unread_count(user_id: int) -> int:
    """The header's count: the one read with the sign-in session when this request has it."""
    kept = session_scalars.read("unread_notifications")
    return unread_count(user_id) if kept is session_scalars.MISSING else kept


def mark_read(notification_id: int | None, *, actor: User, now: datetime | None = None) -> int:
    """Mark one of the actor's notifications (or, with None, all of them) as read; returns how many."""
    statement = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
        mine = db.session.scalar(
            select(Notification.id).where(
                Notification.id == notification_id, Notification.user_id == actor.id
            )
        )
        if mine is None:
            raise NotFound(_l("There is no such notification."))
    count = db.session.execute(statement.values(read_at=now or utcnow())).rowcount
    session_scalars.forget("unread_notifications")
    db.session.commit()
    return count


def set_email_mode(mode: str, *, actor: User) -> EmailMode:
    """Each user chooses for themself; reminders about their own late work are emailed regardless."""
    try:
        chosen = EmailMode(mode)
    except ValueError:
        raise DomainError(_l("Choose one of the options.")) from None
    row = db.session.get(NotificationPreference, actor.id)
    if row is None:
        row = NotificationPreference(user_id=actor.id)
        db.session.add(row)
    row.email_mode = chosen.value
    db.session.commit()
    return chosen
