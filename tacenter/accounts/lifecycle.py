"""Account lifecycle: unused accounts are warned, then deactivated (a periodic sweep).

An account is in use when someone signs in to it (a session lasts at most
SESSION_ABSOLUTE_HOURS, so the last sign-in is within hours of the last request). After
INACTIVE_ACCOUNT_DAYS without one it is deactivated, but only once its owner was warned by
email at least INACTIVE_WARNING_DAYS before. Safe to run twice or overlapping: a guarded
UPDATE claims each warning, and deactivation acts only on accounts still active.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, select, update

from tacenter.accounts.models import User
from tacenter.accounts.services import deactivate_user
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.notifications.services import queue_email
from tacenter.vocab import Role

LAST_USE = func.coalesce(User.last_sign_in_at, User.created_at)


def _last_use(user: User) -> datetime:
    return user.last_sign_in_at or user.created_at


def sweep_inactive_accounts(*, now: datetime | None = None) -> dict[str, int]:
    """Warn accounts nearing the limit, deactivate those past it (and end their sessions)."""
    now = now or utcnow()
    config = current_app.config
    days, notice = config["INACTIVE_ACCOUNT_DAYS"], config["INACTIVE_WARNING_DAYS"]
    return {
        "warned": _warn(now, days=days, notice=notice),
        "deactivated": _deactivate(now, days=days, notice=notice),
    }


def _warn(now: datetime, *, days: int, notice: int) -> int:
    due = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            now - timedelta(days=days - notice) > LAST_USE,
            or_(User.inactivity_warned_at.is_(None), User.inactivity_warned_at < LAST_USE),
        )
    ).all()
    tz = ZoneInfo(current_app.config["CENTER_TIMEZONE"])
    warned = 0
    for user in due:
        last_use = _last_use(user)
        claimed = db.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.inactivity_warned_at.is_(None), User.inactivity_warned_at < LAST_USE),
            )
            .values(inactivity_warned_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue  # another sweep warned them just now
        deadline = max(last_use + timedelta(days=days), now + timedelta(days=notice))
        queue_email(
            user.email,
            "account_inactive",
            {
                "name": user.name,
                "last_use": last_use.astimezone(tz).date(),
                "deadline": deadline.astimezone(tz).date(),
            },
            locale=user.locale,
        )
        record_event(
            Action.INACTIVITY_WARNED,
            object_type="user",
            object_ref=user.id,
            organization_id=user.organization_id,
            now=now,
        )
        db.session.commit()
        warned += 1
    return warned


def _deactivate(now: datetime, *, days: int, notice: int) -> int:
    due = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            now - timedelta(days=days) > LAST_USE,
            User.inactivity_warned_at >= LAST_USE,
            User.inactivity_warned_at <= now - timedelta(days=notice),
        )
    ).all()
    deactivated = 0
    for user in due:
        if user.role_enum == Role.ADMIN and _active_admins() <= 1:
            continue  # never lock the center out of its own administration
        if deactivate_user(user.id, actor=None, reason=f"unused for {days} days", now=now):
            deactivated += 1
    return deactivated


def _active_admins() -> int:
    return db.session.scalar(select(func.count()).where(User.active.is_(True), User.role == Role.ADMIN.value))
