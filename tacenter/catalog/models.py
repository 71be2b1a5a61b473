from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.extensions import db


class Topic(db.Model):
    """A topic area of IECMH technical assistance."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class GrantProgram(db.Model):
    """A funding program requests can belong to, e.g. Project LAUNCH."""

    __tablename__ = "grant_program"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
