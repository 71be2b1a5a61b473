"""Reading one received email: who sent it, to which address, the new text, the files.

MIME is the standard library's (`email` with `policy.default`, which decodes each part's
charset: Windows-1252, UTF-8, quoted-printable, base64). Quoted history and signatures are
removed by mail-parser-reply, a maintained parser that knows the quote headers of Gmail,
Outlook and Apple Mail in many languages, rather than by our own regular expressions.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from tacenter.files.services import Upload

log = logging.getLogger(__name__)
LANGUAGES = ["en", "es", "fr", "de"]
MAX_TEXT = 200_000  # characters given to the reply parser: a pathological message stays cheap
# Inline images under this size are signature logos and icons, not content someone pasted.
MIN_INLINE_IMAGE_BYTES = 10_000
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")


@dataclass
class ParsedMail:
    mail_key: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    text: str
    attachments: list[Upload] = field(default_factory=list)
    automatic: str = ""  # why this is an auto-reply or a bounce; empty for a person's mail
    unreadable: bool = False  # the parser failed: kept whole for the leads


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, IndexError, TypeError):  # a header too broken for the parser
        return ""


def mail_key(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID, or a hash of the bytes when there is none (the same copy hashes the same)."""
    message_id = "".join(_header(message, "Message-ID").split())
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def automatic_reason(message: EmailMessage, sender: str, envelope_sender: str) -> str:
    """Why this mail was sent by a machine (RFC 3834 and common practice), or '' for a person's."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report":
        return "a delivery or read report"
    if any(_header(message, h) for h in ("X-Autoreply", "X-Autorespond", "List-Id", "List-Unsubscribe")):
        return "an auto-reply or list mail"
    if envelope_sender == "<>" or sender.startswith(BOUNCE_SENDERS) or not sender:
        return "a bounce (no sender)"
    return ""


class _TextFromHTML(HTMLParser):
    """Text of an HTML part: blocks become lines, blockquotes become '> ' quotes (so the reply
    parser sees them as quoted history), script and style are dropped. The text is then shown
    through the same Markdown-and-nh3 path as a typed reply."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.depth = 0
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag == "blockquote":
            self._newline()
            self.depth += 1
        elif tag in self.BLOCKS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self._newline()
            self.depth = max(0, self.depth - 1)
        elif tag in self.BLOCKS:
            self._newline()

    def handle_data(self, data):
        if not self.skip:
            if not self.lines[-1]:
                self.lines[-1] = "> " * self.depth
            self.lines[-1] += " ".join(data.split()) if data.strip() else ""

    def _newline(self):
        self.lines.append("")

    def text(self) -> str:
        out: list[str] = []
        for line in self.lines:
            if line.strip(" >") or (out and out[-1]):
                out.append(line.rstrip())
        return "\n".join(out).strip()


def html_to_text(html: str) -> str:
    parser = _TextFromHTML()
    parser.feed(html)
    parser.close()
    return parser.text()


def _content(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def new_text(message: EmailMessage) -> str:
    """What the sender wrote this time: quoted history and signature removed."""
    body = message.get_body(("plain", "html"))
    if body is None:
        return ""
    text = _content(body)
    if body.get_content_type() == "text/html":
        text = html_to_text(text)
    text = text.replace("\r\n", "\n")[:MAX_TEXT]
    replies = EmailReplyParser(languages=LANGUAGES).read(text).replies
    if not replies:
        return text.strip()
    latest = replies[0]
    return (latest.body or latest.content or "").strip()


def attachments(message: EmailMessage) -> list[Upload]:
    """Attached files, and inline images big enough to be content rather than a signature logo."""
    found = []
    body = message.get_body(("plain", "html"))
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename()
        data = part.get_payload(decode=True) or b""
        if disposition == "attachment" or (
            disposition is None and name and part.get_content_maintype() != "text"
        ):
            found.append(Upload(name or "attachment", data))
        elif part.get_content_maintype() == "image" and len(data) >= MIN_INLINE_IMAGE_BYTES:
            found.append(Upload(name or f"image.{part.get_content_subtype()}", data))
    return found


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, sender = parseaddr(_header(message, "From"))
    recipients = [_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    envelope = _header(message, "Return-Path").strip()
    sender = sender.strip().lower()
    return ParsedMail(
        mail_key=mail_key(message, raw),
        sender=sender,
        sender_name=name,
        recipients=[r for r in recipients if r],
        subject=" ".join(_header(message, "Subject").split())[:200],
        text=new_text(message),
        attachments=attachments(message),
        automatic=automatic_reason(message, sender, envelope),
    )


def parse_safely(raw: bytes) -> ParsedMail:
    """`parse`, or, for a message too broken to read, its bytes as text for a person to sort."""
    try:
        return parse(raw)
    except Exception:  # noqa: BLE001 (no message may be lost to a parser's bug)
        log.exception("incoming mail could not be parsed; it goes to the mail to sort")
        return ParsedMail(
            mail_key="sha256:" + hashlib.sha256(raw).hexdigest(),
            sender="",
            sender_name="",
            recipients=[],
            subject="(a message that could not be read)",
            text=raw[:MAX_TEXT].decode("utf-8", errors="replace"),
            unreadable=True,
        )
