"""Queueing and delivering notifications.

`notify` and `queue_email` only add rows to the caller's transaction; the caller
commits. `deliver_email` is what the worker runs: it claims a row, sends it and
marks it sent, so a row is delivered once even if nudged twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import bindparam, or_, select, update

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.i18n import default_language, recipient_locale, supported
from tacenter.notifications import mail, rendering
from tacenter.notifications.models import (
    EmailMode,
    EmailOutbox,
    Notification,
    NotificationPreference,
    OutboxStatus,
)

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = [30, 60, 120, 300, 600, 1200, 1800, 3600]


def _lock_seconds() -> int:
    return int(current_app.config.get("OUTBOX_LOCK_SECONDS", 300))


def queue_email(
    to_address: str,
    kind: str,
    context: dict,
    *,
    locale: str | None = None,
    notification: Notification | None = None,
    ta_request_id: int | None = None,
    recipient_id: int | None = None,
    render_at_delivery: bool = False,
) -> EmailOutbox:
    """Render `templates/email/<kind>.*` in the recipient's `locale` (the sender's page language
    plays no part) and add it to the outbox in the current transaction. With a request and its
    recipient, the email's Reply-To takes an answer back to that request.

    `render_at_delivery` (a notice whose context is only its recipient, its request and its
    message): the row keeps those and the worker renders it when it sends (rendering.py)."""
    if render_at_delivery and notification is not None and ta_request_id and recipient_id:
        language, subject, text_body, html_body = supported(locale) or default_language(), "", "", ""
    else:
        render_at_delivery = False
        language, subject, text_body, html_body = rendering.render(
            kind, context, locale=locale, ta_request_id=ta_request_id, recipient_id=recipient_id
        )
    row = EmailOutbox(
        to_address=to_address,
        kind=kind,
        subject=subject[:200],
        text_body=text_body,
        html_body=html_body,
        notification=notification,
        ta_request_id=ta_request_id,
        recipient_id=recipient_id,
        render_at_delivery=render_at_delivery,
        locale=language,
    )
    # No flush here: a sweep adds thousands in one flush (batched INSERTs); jobs.py collects
    # the new rows' ids after the flush and nudges the worker after commit.
    db.session.add(row)
    return row


def active_leads() -> list[User]:
    """The people who triage: told of new requests and of requests nobody has picked up."""
    from tacenter.vocab import Role

    return list(db.session.scalars(select(User).where(User.role == Role.LEAD, User.active).order_by(User.id)))


def leads_and_modes(user_id: int) -> tuple[list, dict[int, EmailMode]]:
    """`active_leads()` and the email mode of each of them and of `user_id`, in one query.

    The leads are rows with the columns a notice needs (id, email, locale, active), not loaded
    users: building ORM objects was most of this query's cost, and submit only writes to them."""
    from tacenter.vocab import Role

    rows = db.session.connection().execute(_leads_and_modes(), {"user_id": user_id}).all()
    leads = [row for row in rows if row.role == Role.LEAD and row.active]
    modes = {row.id: EmailMode(row.email_mode) if row.email_mode else EmailMode.IMMEDIATELY for row in rows}
    modes.setdefault(user_id, EmailMode.IMMEDIATELY)
    return leads, modes


@cache
def _leads_and_modes():
    """Built once (a Core statement keeps its cache key; nothing here needs the ORM)."""
    from tacenter.vocab import Role

    users, preferences = User.__table__.c, NotificationPreference.__table__.c
    joined = User.__table__.outerjoin(NotificationPreference.__table__, preferences.user_id == users.id)
    return (
        select(users.id, users.email, users.locale, users.active, users.role, preferences.email_mode)
        .select_from(joined)
        .where(((users.role == Role.LEAD.value) & users.active) | (users.id == bindparam("user_id")))
        .order_by(users.id)
    )


def email_modes(user_ids: list[int] | None = None) -> dict[int, EmailMode]:
    """Each user's chosen mode, for everyone or for `user_ids`; pass them to notify(mode=...)."""
    query = select(NotificationPreference.user_id, NotificationPreference.email_mode)
    if user_ids is not None:
        query = query.where(NotificationPreference.user_id.in_(user_ids))
    modes = {user_id: EmailMode(mode) for user_id, mode in db.session.execute(query)}
    if user_ids is not None:  # who never chose gets email immediately
        modes = {user_id: modes.get(user_id, EmailMode.IMMEDIATELY) for user_id in user_ids}
    return modes


def email_mode(user_id: int) -> EmailMode:
    """The user's choice of email for notifications (immediately when they never chose)."""
    mode = db.session.scalar(
        select(NotificationPreference.email_mode).where(NotificationPreference.user_id == user_id)
    )
    return EmailMode(mode) if mode else EmailMode.IMMEDIATELY


def notify(
    user: User,
    kind: str,
    message: str,
    *,
    ta_request=None,
    context: dict | None = None,
    mandatory: bool = False,
    mode: EmailMode | None = None,
    actor: User | None = None,
    now: datetime | None = None,
    render_at_delivery: bool = False,
) -> Notification | None:
    """Tell `user` in the app, and by email as their preference says, in the caller's transaction.

    The one rule against noise: nobody is told of their own action. `actor` is whoever
    caused this news (None: the system); when it is `user`, nothing is written and None
    is returned. So a requester's reply that resumes their request does not tell them it
    resumed, and staff are not emailed the stage change they just made.
    `mandatory` (reminders about the user's own late work) emails immediately whatever
    the preference: those cannot be turned off. `mode` saves the lookup when the caller
    already knows the preference (sweeps load them all at once). `render_at_delivery` (no
    `context`): the worker renders the email when it sends it.
    """
    if actor is not None and actor.id == user.id:
        return None
    mode = EmailMode.IMMEDIATELY if mandatory else (mode or email_mode(user.id))
    locale = recipient_locale(user)
    with force_locale(locale):  # a lazy message is written in the recipient's language
        message = str(message)
    notification = Notification(
        user_id=user.id,
        kind=kind,
        message=message[:300],
        ta_request_id=ta_request.id if ta_request else None,
        created_at=now or utcnow(),
        digest_pending=user.active and mode == EmailMode.DAILY_DIGEST,
    )
    db.session.add(notification)
    if user.active and mode == EmailMode.IMMEDIATELY:
        queue_email(
            user.email,
            kind,
            {"user": user, "ta_request": ta_request, "message": message, **(context or {})},
            locale=locale,
            notification=notification,
            ta_request_id=ta_request.id if ta_request else None,
            recipient_id=user.id,
            render_at_delivery=render_at_delivery and not context,
        )
    return notification


def _reply_to(row: EmailOutbox) -> str | None:
    """Made at sending time, so a changed secret or address applies to mail not yet sent."""
    if not (current_app.config["MAIL_IN_ENABLED"] and row.ta_request_id and row.recipient_id):
        return None
    from tacenter.mailin.tokens import reply_address  # pure: signs ids with the app's secret

    return reply_address(row.ta_request_id, row.recipient_id)


def deliver_email(outbox_id: int, *, now: datetime | None = None) -> str:
    """Send one outbox row if it is still due. Returns what happened: sent, skipped, retry, failed.

    The claim is a conditional UPDATE, so two workers nudged for the same row cannot
    both send it; a row left 'sending' by a killed worker is claimable again after
    its lock expires.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        update(EmailOutbox)
        .where(EmailOutbox.id == outbox_id)
        .where(
            or_(
                (EmailOutbox.status == OutboxStatus.PENDING) & (EmailOutbox.next_attempt_at <= now),
                (EmailOutbox.status == OutboxStatus.SENDING) & (EmailOutbox.locked_until < now),
            )
        )
        .values(
            status=OutboxStatus.SENDING,
            attempts=EmailOutbox.attempts + 1,
            locked_until=now + timedelta(seconds=_lock_seconds()),
        )
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return "skipped"
    row = db.session.get(EmailOutbox, outbox_id)
    if not rendering.render_deferred(row):  # its recipient or request is gone: nothing to send
        row.status, row.locked_until, row.last_error = OutboxStatus.FAILED, None, "nothing to render"
        db.session.commit()
        return "failed"
    message = mail.build_message(
        sender=current_app.config["MAIL_SENDER"],
        to=row.to_address,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        message_id=row.message_id,
        reply_to=_reply_to(row),
    )
    try:
        mail.send(message)
    except Exception as exc:  # SMTP refused, timed out, or the sink failed: retry later
        current_app.logger.warning(
            "email %s not sent (attempt %s): %s", row.id, row.attempts, type(exc).__name__
        )
        failed = row.attempts >= MAX_ATTEMPTS
        row.status = OutboxStatus.FAILED if failed else OutboxStatus.PENDING
        backoff = current_app.config.get("OUTBOX_BACKOFF_SECONDS") or BACKOFF_SECONDS
        row.next_attempt_at = now + timedelta(seconds=backoff[min(row.attempts, len(backoff)) - 1])
        row.locked_until = None
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        return "failed" if failed else "retry"
    # Logged before the mark: a worker killed between the two leaves this line behind, which is
    # how a duplicate send is traced.
    current_app.logger.info("email %s accepted by the mail server (attempt %s)", row.id, row.attempts)
    row.status = OutboxStatus.SENT
    row.sent_at = utcnow()
    row.locked_until = None
    db.session.commit()
    return "sent"


def due_outbox_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Rows the broker never delivered or whose worker died: the sweep re-nudges them."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(EmailOutbox.id)
            .where(
                or_(
                    (EmailOutbox.status == OutboxStatus.PENDING) & (EmailOutbox.next_attempt_at <= now),
                    (EmailOutbox.status == OutboxStatus.SENDING) & (EmailOutbox.locked_until < now),
                )
            )
            .order_by(EmailOutbox.id)
            .limit(limit)
        )
    )
