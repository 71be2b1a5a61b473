"""Read-only queries for the conversation. Requesters' queries never include internal notes."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.conversation.models import Message, MessageKind
from tacenter.extensions import db


def visible_kinds(actor: User) -> list[str]:
    """Internal notes are for the staff side only."""
    if actor.is_staff_side:
        return [MessageKind.REPLY.value, MessageKind.NOTE.value]
    return [MessageKind.REPLY.value]


def messages_for(ta_request_id: int, actor: User) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.ta_request_id == ta_request_id, Message.kind.in_(visible_kinds(actor)))
            .order_by(Message.created_at, Message.id)
        )
    )
