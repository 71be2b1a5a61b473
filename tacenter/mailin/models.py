"""Mail that came in: each message once, with what was done with it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.db import utcnow
from tacenter.extensions import db


class InboundStatus(enum.StrEnum):
    PLACED = "placed"  # became a reply or note on a request
    DRAFT = "draft"  # a new request by email: the requester completes it from a link
    ANSWERED = "answered"  # from an unknown address: told how to register
    IGNORED = "ignored"  # an auto-reply or a bounce: never answered, never placed
    TO_SORT = "to_sort"  # could not be placed: waits for a lead
    SORTED = "sorted"  # a lead dealt with it


class InboundMessage(db.Model):
    """One received email. `mail_key` (its Message-ID, or a hash of its bytes when it has none) is
    unique and written in the same transaction as the reply it makes: a message fetched twice, by
    two workers or after a crash, finds its row and does nothing more."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        Index("ix_inbound_message_status_received", "status", "received_at"),
        Index("ix_inbound_message_sender_received", "sender", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_key: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    # The new text of the message (quotes and signature removed), kept for "mail to sort" and
    # for the draft of a request by email.
    body: Mapped[str] = mapped_column(Text, default="")
    attachment_names: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300), default="")
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    sorted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sorted_at: Mapped[datetime | None]

    ta_request = relationship("TARequest")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def draft_title(self) -> str:
        """The subject without the prefixes mail clients add."""
        title = self.subject.strip()
        while title[:4].lower() in ("re: ", "fw: ") or title[:5].lower() == "fwd: ":
            title = title.split(":", 1)[1].strip()
        return title
