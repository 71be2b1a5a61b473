"""Follow-ups 30 and 90 days (center settings) after a request closes (and after an event is
delivered: `event_follow_ups.py`): one email, one reminder to non-responders, then the follow-up
lapses.

Exactly once per request and window: the sweep INSERTs the follow_up row (unique on request and
window, ON CONFLICT DO NOTHING … RETURNING) and queues its email in the same transaction; the
reminder and the lapse are conditional UPDATEs (`… WHERE reminded_at IS NULL RETURNING`). A
second beat, an overlapping sweep or a sweep re-run after a killed worker finds nothing left to
claim. The email itself goes through the outbox (delivered once by the worker).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.accounts.models import User
from tacenter.center.services import center_settings
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.i18n import recipient_locale
from tacenter.intake.models import TARequest
from tacenter.notifications.services import queue_email
from tacenter.outcomes.event_follow_ups import email_event_follow_up, send_new_event_follow_ups
from tacenter.outcomes.models import FollowUp
from tacenter.workflow.rules import Stage


def follow_up_windows() -> list[int]:
    """The windows in days after closing (center settings; "30,90" by default)."""
    days = {int(p) for p in center_settings().follow_up_days.split(",") if p.strip().isdigit()}
    return sorted(d for d in days if 1 <= d <= 730)


def _email(follow_up: FollowUp, ta_request: TARequest, kind: str) -> None:
    requester: User = ta_request.requester
    queue_email(
        requester.email,
        kind,
        {"user": requester, "ta_request": ta_request, "days": follow_up.window_days},
        locale=recipient_locale(requester),
        ta_request_id=ta_request.id,
        recipient_id=requester.id,
    )


def _claim(rows: list[dict]) -> list[int]:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(FollowUp)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["ta_request_id", "window_days"])
        .returning(FollowUp.id)
    )
    return [row[0] for row in db.session.execute(statement)]


def _send_new(days: int, *, now: datetime, remind: int, lapse: int) -> int:
    """Open the `days` window of every request closed at least `days` ago (but not so long ago
    that the window would already have lapsed: a follow-up about old help is no news)."""
    due = (
        db.session.execute(
            select(TARequest.id)
            .join(User, User.id == TARequest.requester_id)
            .where(
                TARequest.stage == Stage.CLOSED,
                TARequest.finished_at <= now - timedelta(days=days),
                TARequest.finished_at > now - timedelta(days=days + remind + lapse),
                User.active,
                ~select(FollowUp.id)
                .where(FollowUp.ta_request_id == TARequest.id, FollowUp.window_days == days)
                .exists(),
            )
            .order_by(TARequest.id)
        )
        .scalars()
        .all()
    )
    if not due:
        return 0
    claimed = _claim([{"ta_request_id": rid, "window_days": days, "sent_at": now} for rid in due])
    for follow_up in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(claimed))):
        _email(follow_up, db.session.get(TARequest, follow_up.ta_request_id), "follow_up")
    return len(claimed)


def _remind(*, now: datetime, remind: int) -> int:
    ids = (
        db.session.execute(
            update(FollowUp)
            .where(
                FollowUp.reminded_at.is_(None),
                FollowUp.answered_at.is_(None),
                FollowUp.lapsed_at.is_(None),
                FollowUp.sent_at <= now - timedelta(days=remind),
            )
            .values(reminded_at=now)
            .returning(FollowUp.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    for follow_up in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(ids))):
        if follow_up.event_id is not None:
            email_event_follow_up(follow_up, "follow_up_reminder")
            continue
        _email(follow_up, db.session.get(TARequest, follow_up.ta_request_id), "follow_up_reminder")
    return len(ids)


def _lapse(*, now: datetime, lapse: int) -> int:
    return len(
        db.session.execute(
            update(FollowUp)
            .where(
                FollowUp.answered_at.is_(None),
                FollowUp.lapsed_at.is_(None),
                FollowUp.reminded_at <= now - timedelta(days=lapse),
            )
            .values(lapsed_at=now)
            .returning(FollowUp.id)
            .execution_options(synchronize_session=False)
        ).all()
    )


def run_follow_ups(*, now: datetime | None = None) -> Counter:
    """The periodic sweep (worker): open due windows, remind once, lapse; one transaction."""
    now = now or utcnow()
    settings = center_settings()
    remind, lapse = settings.follow_up_remind_days, settings.follow_up_lapse_days
    stats = Counter()
    for days in follow_up_windows():
        stats["sent"] += _send_new(days, now=now, remind=remind, lapse=lapse)
        stats["sent"] += send_new_event_follow_ups(days, now=now, remind=remind, lapse=lapse)
    stats["reminded"] = _remind(now=now, remind=remind)
    stats["lapsed"] = _lapse(now=now, lapse=lapse)
    db.session.commit()
    return stats
