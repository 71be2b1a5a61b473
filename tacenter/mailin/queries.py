"""Read-only queries for the mail pages."""

from __future__ import annotations

from sqlalchemy import Select, select

from tacenter.mailin.models import InboundMessage, InboundStatus


def mail_to_sort() -> Select:
    """Messages that could not be placed, oldest first: the leads' list."""
    return (
        select(InboundMessage)
        .where(InboundMessage.status == InboundStatus.TO_SORT)
        .order_by(InboundMessage.received_at, InboundMessage.id)
    )
