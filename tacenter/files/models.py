from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db


class Attachment(db.Model):
    """A file on a request (message_id NULL) or on one of its replies, or the evidence of a
    follow-up answer (follow_up_id set; ta_request_id NULL when the follow-up is about an event).

    `stored_name` is generated; the name the person gave is only ever used in the
    download's Content-Disposition.
    """

    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_request_time", "ta_request_id", "created_at"),
        Index("ix_attachment_follow_up", "follow_up_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(120), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploader: Mapped[User | None] = relationship(lazy="joined")

    @property
    def size_label(self) -> str:
        if self.size < 1024:
            return f"{self.size} bytes"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"
