"""The daily digest for each user and the weekly summary for leadership, sent by the workers.

The beat runs these often (every 15 minutes); each sends once the center's local
time has reached DIGEST_HOUR, and a unique (user, kind, period) row in digest_sent
makes a second run, or a second beat, send nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.i18n import recipient_locale
from tacenter.intake.models import TARequest
from tacenter.notifications.models import Notification
from tacenter.notifications.services import queue_email
from tacenter.reminders.models import DigestSent
from tacenter.timeliness.queries import target_for, targets_table
from tacenter.timeliness.targets import Standing, assess
from tacenter.vocab import Role
from tacenter.workflow.models import StageChange
from tacenter.workflow.rules import LABELS, Stage

DIGEST_HOUR = 7


def _claim(user_id: int, kind: str, period: str, now: datetime) -> bool:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DigestSent)
        .values(user_id=user_id, kind=kind, period=period, sent_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "period"])
    )
    # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
    return db.session.execute(statement.returning(DigestSent.id)).first() is not None


def _local(now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(current_app.config["CENTER_TIMEZONE"]))


def _caseload_actions(user_id: int, since: datetime, until: datetime) -> list[dict]:
    rows = db.session.execute(
        select(TARequest.reference, StageChange.from_stage, StageChange.to_stage, User.name)
        .join(TARequest, TARequest.id == StageChange.ta_request_id)
        .outerjoin(User, User.id == StageChange.actor_id)
        .where(
            TARequest.assignee_id == user_id, StageChange.created_at >= since, StageChange.created_at < until
        )
        .order_by(StageChange.created_at)
        .limit(200)
    )
    return [
        {"reference": ref, "from_label": LABELS.get(Stage(f), f) if f else _l("New"),
         "to_label": LABELS[Stage(t)], "actor": name or _l("the system")}
        for ref, f, t, name in rows
    ]  # fmt: skip


def send_daily_digests(*, now: datetime | None = None) -> int:
    """Each user with digest notifications waiting or actions on their caseload gets one
    digest per local day, after DIGEST_HOUR. Returns how many were queued."""
    now = now or utcnow()
    local = _local(now)
    if local.hour < DIGEST_HOUR:
        return 0
    since = now - timedelta(days=1)
    pending = select(Notification.user_id).where(Notification.digest_pending)
    busy = (
        select(TARequest.assignee_id)
        .join(StageChange, StageChange.ta_request_id == TARequest.id)
        .where(StageChange.created_at >= since, TARequest.assignee_id.is_not(None))
    )
    user_ids = sorted(set(db.session.scalars(pending.distinct())) | set(db.session.scalars(busy.distinct())))
    sent = 0
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        if user is None or not user.active or not _claim(user_id, "daily", local.date().isoformat(), now):
            db.session.rollback()
            continue
        notifications = list(
            db.session.scalars(
                select(Notification)
                .where(Notification.user_id == user_id, Notification.digest_pending)
                .order_by(Notification.created_at)
                .limit(200)
            )
        )
        actions = _caseload_actions(user_id, since, now) if user.is_staff_side else []
        if notifications or actions:
            context = {"user": user, "notifications": notifications, "actions": actions,
                       "day": local.date()}  # fmt: skip
            queue_email(user.email, "daily_digest", context, locale=recipient_locale(user))
            sent += 1
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_([n.id for n in notifications]))
            .values(digest_pending=False)
        )
        db.session.commit()
    return sent


def weekly_figures(week_start: datetime, week_end: datetime, *, now: datetime) -> Counter:
    """Received and finished in the week; open requests late and at risk now (batched)."""
    figures = Counter()
    figures["received"] = db.session.scalar(
        select(func.count()).where(TARequest.submitted_at >= week_start, TARequest.submitted_at < week_end)
    )
    figures["closed"] = db.session.scalar(
        select(func.count()).where(TARequest.finished_at >= week_start, TARequest.finished_at < week_end)
    )
    table, tz, last_id = targets_table(), current_app.config["CENTER_TIMEZONE"], 0
    while True:
        batch = list(
            db.session.scalars(
                select(TARequest)
                .where(TARequest.is_open(), TARequest.id > last_id)
                .order_by(TARequest.id)
                .limit(1000)
            )
        )
        if not batch:
            break
        last_id = batch[-1].id
        for r in batch:
            standing = assess(r, target_for(r, table), now=now, tz=tz).standing
            figures["open"] += 1
            figures["late"] += standing == Standing.LATE
            figures["at_risk"] += standing == Standing.AT_RISK
    return figures


def send_weekly_summaries(*, now: datetime | None = None) -> int:
    """Leadership get one summary of the previous week per ISO week, from Monday DIGEST_HOUR."""
    now = now or utcnow()
    local = _local(now)
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        return 0
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0), tzinfo=local.tzinfo)
    year, week, _ = local.isocalendar()
    period = f"{year}-W{week:02d}"
    users = list(db.session.scalars(select(User).where(User.role == Role.LEADERSHIP, User.active)))
    pending = [
        u for u in users
        if db.session.scalar(select(DigestSent.id).where(
            DigestSent.user_id == u.id, DigestSent.kind == "weekly", DigestSent.period == period)) is None
    ]  # fmt: skip
    if not pending:
        return 0
    figures = weekly_figures(monday - timedelta(days=7), monday, now=now)
    sent = 0
    for user_id in [u.id for u in pending]:
        if _claim(user_id, "weekly", period, now):
            user = db.session.get(User, user_id)
            week_start = (monday - timedelta(days=7)).strftime("%b %-d, %Y")
            queue_email(
                user.email,
                "weekly_summary",
                {"user": user, "figures": figures, "week_start": week_start},
                locale=recipient_locale(user),
            )
            sent += 1
        db.session.commit()
    return sent
