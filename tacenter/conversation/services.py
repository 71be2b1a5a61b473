"""Replies, internal notes, and asking the requester a question.

A reply is shared with the requester and emailed to the other side; an internal
note is for staff only and never leaves the staff side: it is not emailed, not shown
to requesters and not searched for them.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import format_number

from tacenter.accounts.models import User
from tacenter.conversation.markup import render
from tacenter.conversation.models import Message, MessageKind
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.files import services as files
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.notifications.services import notify
from tacenter.timeliness import milestones
from tacenter.vocab import Role
from tacenter.workflow import rules
from tacenter.workflow import services as workflow
from tacenter.workflow.automatic import resume_on_answer

WRITERS = frozenset({Role.REQUESTER, Role.STAFF, Role.LEAD, Role.ADMIN})  # leadership reads


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if not body:
        raise DomainError(_l("Write something before sending."))
    if len(body) > limit:
        raise DomainError(
            _l(
                "That is too long: keep it under %(limit)s characters (it has %(length)s).",
                limit=format_number(limit),
                length=format_number(len(body)),
            )
        )
    return body


def _add_message(
    ta_request: TARequest, kind: MessageKind, body: str, *, actor: User, now: datetime
) -> Message:
    message = Message(
        ta_request_id=ta_request.id,
        kind=kind.value,
        author_id=actor.id,
        body=body,
        body_html=render(body),
        created_at=now,
    )
    db.session.add(message)
    ta_request.updated_at = now
    db.session.flush()
    return message


def _notify_other_side(
    ta_request: TARequest, message: Message, *, actor: User, resumed: bool, now: datetime
) -> None:
    context = {"author": actor, "body": message.body, "body_html": message.body_html, "resumed": resumed}
    if actor.is_staff_side:
        notify(
            ta_request.requester,
            "reply_posted",
            _l("%(name)s replied on %(reference)s.", name=actor.name, reference=ta_request.reference),
            ta_request=ta_request,
            context=context,
            actor=actor,
            now=now,
        )
    elif ta_request.assignee is not None:
        back = " It is back in progress." if resumed else ""
        notify(
            ta_request.assignee,
            "requester_replied",
            f"{actor.name} replied on {ta_request.reference}.{back}",
            ta_request=ta_request,
            context=context,
            actor=actor,
            now=now,
        )


def post_reply(
    reference: str,
    body: str,
    *,
    actor: User,
    uploads: list[files.Upload] | None = None,
    now: datetime | None = None,
) -> Message:
    """A reply everyone on the request sees. Not on a finished request. A staff reply counts as the
    center's first response; a requester's reply to a request waiting on them resumes it."""
    now = now or utcnow()
    ta_request = workflow.get_visible_request(reference, actor=actor)
    if actor.role_enum not in WRITERS:
        raise NotAllowed(_l("Leadership can read requests but not reply."))
    if ta_request.stage in rules.FINISHED:
        raise DomainError(
            f"This request is {rules.Stage(ta_request.stage).label.lower()}: it takes no new replies."
        )
    body = _clean_body(body)
    checked = files.check_uploads(uploads or [])
    message = _add_message(ta_request, MessageKind.REPLY, body, actor=actor, now=now)
    files.store_uploads(ta_request, checked, actor=actor, message_id=message.id, now=now)
    resumed = False
    if actor.is_staff_side:
        milestones.record_response(ta_request, now=now)
    else:
        resumed = resume_on_answer(ta_request, actor=actor, now=now)
    _notify_other_side(ta_request, message, actor=actor, resumed=resumed, now=now)
    db.session.commit()
    return message


def add_note(reference: str, body: str, *, actor: User, now: datetime | None = None) -> Message:
    """An internal note: staff who work requests only; nobody is notified."""
    now = now or utcnow()
    ta_request = workflow.get_visible_request(reference, actor=actor)
    if actor.role_enum not in WRITERS - {Role.REQUESTER}:
        raise NotAllowed("Only TA staff can add internal notes.")
    message = _add_message(ta_request, MessageKind.NOTE, _clean_body(body), actor=actor, now=now)
    db.session.commit()
    return message


def ask_requester(
    reference: str,
    question: str,
    *,
    actor: User,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Message:
    """Put the request on hold for the requester (the clock pauses). The question becomes a reply
    they can see, and the stage email carries it to them."""
    now = now or utcnow()
    ta_request = workflow.get_visible_request(reference, actor=actor)
    question = (question or "").strip()
    if not question:
        raise DomainError("Write the question for the requester.")
    body = _clean_body(question)
    workflow.apply_transition(
        ta_request,
        rules.Stage.WAITING_ON_REQUESTER,
        actor=actor,
        note=body,
        expected_version=expected_version,
        now=now,
    )
    message = _add_message(ta_request, MessageKind.REPLY, body, actor=actor, now=now)
    db.session.commit()
    return message
