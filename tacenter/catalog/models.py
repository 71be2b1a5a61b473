from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.extensions import db
from tacenter.i18n import localized


class Topic(db.Model):
    """A topic area of IECMH technical assistance."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Requesters read the Spanish label when they use Spanish; without one, the English name
    # shows and the admin's translation gaps page lists it.
    name_es: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return localized(self.name, self.name_es)


class GrantProgram(db.Model):
    """A funding program requests can belong to, e.g. Project LAUNCH."""

    __tablename__ = "grant_program"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    name_es: Mapped[str | None] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return localized(self.name, self.name_es)


class CatalogVersion(db.Model):
    """One row whose token changes, in the same transaction, with every edit of the lists and
    settings that web processes keep copies of (tacenter/catalog/cache.py)."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
