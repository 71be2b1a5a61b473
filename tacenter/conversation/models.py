from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest


class MessageKind(enum.StrEnum):
    REPLY = "reply"  # shared with the requester
    NOTE = "note"  # internal: staff only, never in a requester's page, email or search


class Message(db.Model):
    """One entry of a request's conversation. `body` is the Markdown typed; `body_html` its
    sanitized rendering, made once at writing time."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_request_time", "ta_request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ta_request_id: Mapped[int] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_note(self) -> bool:
        return self.kind == MessageKind.NOTE


def english_document(*columns):
    """The tsvector PostgreSQL searches; the GIN indexes below use the same expression."""
    text = columns[0]
    for column in columns[1:]:
        text = text.op("||")(" ").op("||")(column)
    return func.to_tsvector(literal_column("'english'::regconfig"), text)


# Full-text indexes, PostgreSQL only (SQLite searches with LIKE).
Index(
    "ix_ta_request_fts",
    english_document(TARequest.__table__.c.title, TARequest.__table__.c.description),
    postgresql_using="gin",
    _table=TARequest.__table__,  # an expression index is not bound to its table by itself
).ddl_if(dialect="postgresql")
Index(
    "ix_message_fts",
    english_document(Message.__table__.c.body),
    postgresql_using="gin",
    _table=Message.__table__,
).ddl_if(dialect="postgresql")
