"""Turning a received email into what it means: a reply, a note, a draft request, or mail to sort.

`receive_mail` is the only writer of `inbound_message`. The row (unique on the mail's key) is
written in the same transaction as the reply it makes, so a message fetched twice, by two
workers or again after a crash, is placed once. Nothing is lost: what cannot be placed is kept
for the leads as "mail to sort".
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.conversation import services as conversation
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.files.services import Upload, clean_filename, detect_type
from tacenter.i18n import recipient_locale
from tacenter.intake.models import TARequest
from tacenter.mailin import parse, tokens
from tacenter.mailin.models import InboundMessage, InboundStatus
from tacenter.notifications.services import queue_email
from tacenter.vocab import Role

log = logging.getLogger(__name__)
SORTERS = frozenset({Role.LEAD, Role.ADMIN})


def _existing(mail_key: str) -> InboundMessage | None:
    return db.session.scalar(select(InboundMessage).where(InboundMessage.mail_key == mail_key))


def _record(mail: parse.ParsedMail, now: datetime) -> InboundMessage:
    return InboundMessage(
        mail_key=mail.mail_key,
        sender=mail.sender[:254],
        subject=mail.subject,
        body=mail.text[: current_app.config["MAX_MESSAGE_CHARS"]],
        attachment_names=", ".join(clean_filename(u.filename) for u in mail.attachments)[:500],
        status=InboundStatus.TO_SORT.value,
        received_at=now,
    )


def _commit(record: InboundMessage, answer=None) -> InboundMessage:
    """Commit the row, with its answer (an email queued by `answer(record)`) in the same
    transaction; if another worker committed the same mail first, theirs stands."""
    db.session.add(record)
    try:
        db.session.flush()
        if answer is not None:
            answer(record)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _existing(record.mail_key)
    return record


def _finish(
    mail: parse.ParsedMail, status: InboundStatus, reason: str, now: datetime, *, answer=None, **links
) -> InboundMessage:
    record = _record(mail, now)
    record.status, record.reason = status.value, reason[:300]
    for name, value in links.items():
        setattr(record, name, value)
    return _commit(record, answer)


def _too_many(sender: str, now: datetime) -> bool:
    limit = current_app.config["MAIL_IN_SENDER_LIMIT_PER_HOUR"]
    count = db.session.scalar(
        select(func.count())
        .select_from(InboundMessage)
        .where(InboundMessage.sender == sender, InboundMessage.received_at > now - timedelta(hours=1))
    )
    return count >= limit


def receive_mail(raw: bytes, *, now: datetime | None = None) -> InboundMessage:
    """Place one received email, once. Machines' mail (auto-replies, bounces) is recorded and
    never answered, so two autoresponders cannot loop through us; a sender over the hourly limit
    is kept for the leads unanswered; a reply address decides the request and the person."""
    now = now or utcnow()
    mail = parse.parse_safely(raw)
    existing = _existing(mail.mail_key)
    if existing is not None:
        # Fetched again: delivered twice, or its worker died before moving it out of the inbox.
        log.info("incoming mail %s was already received (%s); not placed again", existing.id, existing.status)
        return existing
    if mail.unreadable:
        return _finish(mail, InboundStatus.TO_SORT, "the message could not be read", now)
    if mail.automatic:
        return _finish(mail, InboundStatus.IGNORED, mail.automatic, now)
    if tokens.is_center_address(mail.sender):
        return _finish(mail, InboundStatus.IGNORED, "sent from the center's own address", now)
    if _too_many(mail.sender, now):
        return _finish(mail, InboundStatus.TO_SORT, "more mail from this sender in an hour than we take", now)
    token, tokened = tokens.find_token(*mail.recipients)
    if token is not None:
        return _place(mail, token, now)
    if tokened:
        return _finish(mail, InboundStatus.TO_SORT, "its reply address is not one we gave out", now)
    return _new_request(mail, now)


def _files(mail: parse.ParsedMail) -> tuple[str, list[Upload]]:
    """The text to post and the files that pass the same checks as uploads on the page; a file
    refused is named in the reply, so the writer's side knows it did not arrive."""
    accepted, refused = [], []
    for upload in mail.attachments:
        try:
            detect_type(upload)
        except DomainError as error:
            refused.append(error.message)
        else:
            accepted.append(upload)
    text = mail.text
    if not text and accepted:
        text = "(Files sent by email.)"
    if refused:
        text += "\n\n" + "\n".join(f"- Not attached: {reason}" for reason in refused)
    return text.strip(), accepted


def _place(mail: parse.ParsedMail, token: tokens.AddressToken, now: datetime) -> InboundMessage:
    user = db.session.get(User, token.user_id)
    ta_request = db.session.get(TARequest, token.ta_request_id)
    links = {"ta_request_id": ta_request.id if ta_request else None, "user_id": user.id if user else None}
    if user is None or ta_request is None or not user.active:
        return _finish(
            mail, InboundStatus.TO_SORT, "the request or the person is no longer here", now, **links
        )
    if mail.sender != user.email.lower():
        reason = f"sent from {mail.sender}, not by the person this reply address was given to"
        return _finish(mail, InboundStatus.TO_SORT, reason, now, **links)
    text, uploads = _files(mail)
    record = _record(mail, now)
    record.status, record.ta_request_id, record.user_id = InboundStatus.PLACED.value, ta_request.id, user.id
    db.session.add(record)
    try:
        db.session.flush()  # claims the mail's key first: a second worker waits here, then finds it
        if token.kind == "note" and user.is_staff_side:
            message = conversation.add_note(ta_request.reference, text, actor=user, now=now)
        else:
            message = conversation.post_reply(
                ta_request.reference, text, actor=user, uploads=uploads, now=now
            )
    except IntegrityError:
        db.session.rollback()
        return _existing(mail.mail_key)
    except DomainError as error:  # a finished request, an empty reply, a request they no longer see
        db.session.rollback()
        return _finish(mail, InboundStatus.TO_SORT, error.message, now, **links)
    record.message_id = message.id  # the reply and the row were committed together; this is a link
    db.session.commit()
    return record


def _new_request(mail: parse.ParsedMail, now: datetime) -> InboundMessage:
    """A requester's mail to the center's address starts a draft they complete from a link; an
    unknown address is told how to register; staff mail without a reply address is sorted."""
    user = db.session.scalar(select(User).where(User.email == mail.sender))
    if user is None:
        return _finish(
            mail,
            InboundStatus.ANSWERED,
            "an unknown address: sent the link to register",
            now,
            answer=lambda record: queue_email(mail.sender, "mail_unknown_sender", {"subject": mail.subject}),
        )
    if not user.active or user.role_enum != Role.REQUESTER:
        reason = "staff mail with no reply address" if user.active else "from a deactivated account"
        return _finish(mail, InboundStatus.TO_SORT, reason, now, user_id=user.id)
    return _finish(
        mail,
        InboundStatus.DRAFT,
        "a new request by email",
        now,
        user_id=user.id,
        answer=lambda record: queue_email(
            user.email,
            "mail_draft",
            {"user": user, "draft_id": record.id, "subject": mail.subject},
            locale=recipient_locale(user),
        ),
    )


def draft_for(inbound_id: int | None, *, actor: User) -> InboundMessage | None:
    """The actor's own draft request by email, to fill the new-request form; None otherwise."""
    if not inbound_id:
        return None
    record = db.session.get(InboundMessage, inbound_id)
    if record is None or record.user_id != actor.id or record.status != InboundStatus.DRAFT:
        return None
    return record


def mark_sorted(inbound_id: int, *, actor: User, now: datetime | None = None) -> InboundMessage:
    """A lead has dealt with a message that could not be placed; it leaves the list."""
    if actor.role_enum not in SORTERS:
        raise NotAllowed("Only leads sort incoming mail.")
    record = db.session.get(InboundMessage, inbound_id)
    if record is None or record.status != InboundStatus.TO_SORT:
        raise NotFound("That message is not waiting to be sorted.")
    record.status, record.sorted_by_id, record.sorted_at = (
        InboundStatus.SORTED.value,
        actor.id,
        now or utcnow(),
    )
    db.session.commit()
    return record
