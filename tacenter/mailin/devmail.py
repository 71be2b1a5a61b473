"""Development only: answer a mail from the local sink as its recipient would, from their mail
client, into the Maildir that stands in for the center's mailbox (MAIL_IN_MAILDIR)."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.notifications.mail import sink_message


def reply_as_recipient(sink_key: str, text: str) -> str:
    """Write a reply to the sink's message `sink_key` into the incoming Maildir, shaped as a mail
    client sends it (quoted original below the answer). Returns the reply's Message-ID."""
    original = sink_message(sink_key)
    if original is None:
        raise NotFound("That email is no longer in the sink.")
    if not original["Reply-To"]:
        raise DomainError("That email has no reply address: it is not about a request.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write the reply first.")
    body = original.get_body(("plain",))
    quoted = "\n".join("> " + line for line in (body.get_content() if body else "").splitlines())
    reply = EmailMessage()
    reply["From"] = original["To"]
    reply["To"] = original["Reply-To"]
    reply["Subject"] = "Re: " + str(original["Subject"])
    reply["Date"] = format_datetime(utcnow())
    reply["Message-ID"] = make_msgid(domain="dev.tacenter.local")
    reply["In-Reply-To"] = original["Message-ID"]
    reply["References"] = original["Message-ID"]
    reply.set_content(
        f"{text}\n\nOn {original['Date'] or 'an earlier day'}, {original['From']} wrote:\n{quoted}\n"
    )
    folder = Path(current_app.config["MAIL_IN_MAILDIR"])
    folder.parent.mkdir(parents=True, exist_ok=True)
    mailbox.Maildir(folder, create=True).add(reply)
    return reply["Message-ID"]
