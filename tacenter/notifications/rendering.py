"""Email bodies: rendered when queued, or (a request's own notices) by the worker at delivery.

Submitting a request writes its receipt and the leads' notices as outbox rows holding only
the kind, the recipient, the request and the language; the worker renders them when it
sends, so the requester's POST does not render six templates. The row is written in the
same transaction as its cause either way, and keeps what was sent once it is rendered.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.i18n import default_language, supported


def _render_email(name: str, context: dict) -> str:
    """An email template with only what it is given: no page context (navigation, CSRF,
    the signed-in user), which emails never use and render_template would build each time."""
    return current_app.jinja_env.get_template(name).render(context)


def render(kind: str, context: dict, *, locale: str | None, ta_request_id=None, recipient_id=None):
    """`templates/email/<kind>.*` in the recipient's language: (language, subject, text, html)."""
    language = supported(locale) or default_language()
    context = {
        **context,
        "base_url": current_app.config["BASE_URL"].rstrip("/"),
        "email_language": language,
        # Its Reply-To takes an answer back to the request (tacenter/mailin).
        "reply_by_email": bool(ta_request_id and recipient_id and current_app.config["MAIL_IN_ENABLED"]),
    }
    with force_locale(language):
        subject = _render_email(f"email/{kind}.subject.txt", context).strip()
        text_body = _render_email(f"email/{kind}.txt", context)
        html_body = _render_email(f"email/{kind}.html", {**context, "subject": subject})
    return language, subject, text_body, html_body


def render_deferred(row) -> bool:
    """Fill a row queued for rendering at delivery from its recipient, request and notice, as
    they are now; False when one of them is gone (the row cannot be sent)."""
    if not row.render_at_delivery:
        return True
    user = db.session.get(User, row.recipient_id) if row.recipient_id else None
    notification = row.notification
    ta_request = notification.ta_request if notification else None
    if user is None or ta_request is None:
        return False
    context = {"user": user, "ta_request": ta_request, "message": notification.message}
    _language, subject, row.text_body, row.html_body = render(
        row.kind, context, locale=row.locale, ta_request_id=row.ta_request_id, recipient_id=row.recipient_id
    )
    row.subject = subject[:200]
    row.render_at_delivery = False
    return True
