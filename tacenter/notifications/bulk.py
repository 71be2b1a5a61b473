"""Several people told about one request at once: one INSERT of notices, one of emails.

`notify(..., render_at_delivery=True)` row by row goes through the ORM's unit of work (on SQLite
one INSERT per row, since it must read each new id back). Submit tells the requester and each
lead; here their notices are one multi-row INSERT and their emails another, in the caller's
transaction as before, and the emails' ids are handed to jobs.py to nudge the worker after
commit (the ORM's rows are collected after flush; these never pass through a flush).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import insert

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.i18n import recipient_locale
from tacenter.jobs import after_commit_deliver
from tacenter.notifications.models import EmailMode, EmailOutbox, Notification, OutboxStatus


@dataclass(frozen=True)
class Notice:
    user: User  # or a row with its id, email, locale and active flag (leads_and_modes)
    kind: str
    message: object  # a str or a lazy string, written in the recipient's language
    mode: EmailMode


def notify_all(notices: list[Notice], *, ta_request_id: int, now: datetime) -> None:
    """What `notify(user, kind, message, ta_request=..., mode=..., now=now,
    render_at_delivery=True)` writes for each notice (no actor: nobody is skipped), in one
    INSERT per table. The worker renders each email when it sends it (rendering.py)."""
    if not notices:
        return
    connection = db.session.connection()
    locales, rows = [], []
    for notice in notices:
        locale = recipient_locale(notice.user)
        message = notice.message
        if not isinstance(message, str):  # a lazy message, in the recipient's language
            with force_locale(locale):
                message = str(message)
        locales.append(locale)
        rows.append({
            "user_id": notice.user.id, "kind": notice.kind, "message": message[:300],
            "ta_request_id": ta_request_id, "created_at": now, "read_at": None,
            "digest_pending": notice.user.active and notice.mode == EmailMode.DAILY_DIGEST,
        })  # fmt: skip
    ids = _insert_ids(connection, rows)
    # next_attempt_at and created_at: the columns' defaults (the clock's now), as notify's rows.
    emails = [
        {
            "to_address": notice.user.email,
            "kind": notice.kind,
            "subject": "",
            "text_body": "",
            "html_body": "",
            "notification_id": notification_id,
            "ta_request_id": ta_request_id,
            "recipient_id": notice.user.id,
            "render_at_delivery": True,
            "locale": locale,
            "status": OutboxStatus.PENDING.value,
        }  # fmt: skip
        for notice, locale, notification_id in zip(notices, locales, ids, strict=True)
        if notice.user.active and notice.mode == EmailMode.IMMEDIATELY
    ]
    if emails:
        after_commit_deliver(db.session, list(connection.execute(_EMAILS, emails).scalars()))


# Built once: a statement object keeps its cache key, so it is not rebuilt per request.
_EMAILS = insert(EmailOutbox.__table__).returning(EmailOutbox.__table__.c.id)
_NOTICES = insert(Notification.__table__).returning(Notification.__table__.c.id)
_NOTICES_IN_ORDER = insert(Notification.__table__).returning(
    Notification.__table__.c.id, sort_by_parameter_order=True
)


def _insert_ids(connection, rows: list[dict]) -> list[int]:
    """The new notices' ids, in the order of `rows`, from one multi-row INSERT.

    PostgreSQL: SQLAlchemy's sorted RETURNING. SQLite: SQLAlchemy would send one INSERT per row
    for that, so its plain RETURNING instead, and a sort: SQLite gives the rows of one INSERT
    ascending rowids in their order (each one past the largest, under the write lock)."""
    if connection.dialect.name == "postgresql":
        return list(connection.execute(_NOTICES_IN_ORDER, rows).scalars())
    return sorted(connection.execute(_NOTICES, rows).scalars())
