"""Mail transports: SMTP in production and tests, a Maildir sink in development."""

from __future__ import annotations

import email
import email.policy
import email.utils
import mailbox
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def build_message(
    *, sender: str, to: str, subject: str, text: str, html: str, message_id: str, reply_to: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    # RFC 3834: our mail is machine-made, so a well-behaved autoresponder does not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # Header injection: EmailMessage refuses CR/LF in headers; subjects are single-line anyway.
    message["Subject"] = " ".join(subject.split())
    message["Message-ID"] = message_id
    message["Date"] = email.utils.format_datetime(datetime.now(UTC))
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage) -> None:
    """Hand one message to the configured transport; raises on failure."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        sink = Path(config["MAIL_SINK_DIR"])
        sink.parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(sink, create=True).add(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def read_sink(limit: int = 50) -> list[dict]:
    """The newest messages in the development sink, as subject, to, date and text."""
    sink = Path(current_app.config["MAIL_SINK_DIR"])
    if not sink.exists():
        return []
    box = mailbox.Maildir(sink, create=False)
    found = []
    for key in box.iterkeys():
        parsed = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        body = parsed.get_body(("plain",))
        found.append(
            {
                "key": key,
                "reply_to": parsed["Reply-To"],
                "subject": parsed["Subject"],
                "to": parsed["To"],
                "date": datetime.fromtimestamp(box.get_message(key).get_date(), UTC),
                "text": body.get_content() if body else "",
            }
        )
    found.sort(key=lambda m: m["date"], reverse=True)
    return found[:limit]


def sink_message(key: str) -> EmailMessage | None:
    """One message of the development sink by its Maildir key, or None."""
    sink = Path(current_app.config["MAIL_SINK_DIR"])
    if not sink.exists() or not key or "/" in key:
        return None
    try:
        raw = mailbox.Maildir(sink, create=False).get_bytes(key)
    except (KeyError, FileNotFoundError):
        return None
    return email.message_from_bytes(raw, policy=email.policy.default)
