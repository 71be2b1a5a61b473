"""Instruments, their versions and items, and the answers given to a version.

A version is never edited once saved: editing an instrument saves a new version with its own
items, so an answer (SurveyAnswer -> SurveyItem -> InstrumentVersion) keeps the wording it
answered. A submission has one subject: a request (`ta_request_id`) or an event (`event_id`,
answered anonymously by a participant: no respondent, no address, only a hashed browser key).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tacenter.db import utcnow
from tacenter.extensions import db


class SurveyInstrument(db.Model):
    """One instrument per kind (post_request, post_event, follow_up); its newest version is current."""

    __tablename__ = "survey_instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[InstrumentVersion]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.number"
    )


class InstrumentVersion(db.Model):
    __tablename__ = "survey_instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument.id", ondelete="CASCADE"))
    number: Mapped[int]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instrument: Mapped[SurveyInstrument] = relationship(back_populates="versions", lazy="joined")
    items: Mapped[list[SurveyItem]] = relationship(
        back_populates="version", order_by="SurveyItem.position", lazy="selectin"
    )


class SurveyItem(db.Model):
    """A question of one version: rating (1-5), yes_no, choice, multi (several choices), text, link."""

    __tablename__ = "survey_item"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument_version.id", ondelete="CASCADE"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(80))  # short English name for reports
    text_en: Mapped[str] = mapped_column(Text)
    text_es: Mapped[str] = mapped_column(Text, default="")
    choices_json: Mapped[str] = mapped_column(Text, default="[]")  # [[code, en, es], ...]
    required: Mapped[bool] = mapped_column(default=False)

    version: Mapped[InstrumentVersion] = relationship(back_populates="items")

    @property
    def choices(self) -> list[tuple[str, str, str]]:
        return [tuple(c) for c in json.loads(self.choices_json or "[]")]

    def text(self, language: str) -> str:
        """The wording in `language`, English when no Spanish was written."""
        return self.text_es if language == "es" and self.text_es else self.text_en

    def choice_label(self, code: str, language: str) -> str:
        for value, en, es in self.choices:
            if value == code:
                return es if language == "es" and es else en
        return code


class SurveySubmission(db.Model):
    """One filled-in instrument about one subject. `purpose` says which (post_request,
    follow_up_30, follow_up_90, …); a request answers each purpose once (the unique key)."""

    __tablename__ = "survey_submission"
    __table_args__ = (
        UniqueConstraint("ta_request_id", "purpose"),
        # One answer per browser per event: the browser's random cookie key, hashed.
        UniqueConstraint("event_id", "browser_key", name="uq_survey_submission_event_browser"),
        Index("ix_survey_submission_time", "submitted_at", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_instrument_version.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    ta_request_id: Mapped[int | None] = mapped_column(ForeignKey("ta_request.id", ondelete="CASCADE"))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    browser_key: Mapped[str | None] = mapped_column(String(64))  # sha256 hex of the cookie key
    locale: Mapped[str] = mapped_column(String(8), default="en")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[InstrumentVersion] = relationship(lazy="joined")
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="submission", lazy="selectin", cascade="all, delete-orphan"
    )

    def value(self, code: str):
        """The answer to the item `code`: a number, a choice code, a list (multi) or text."""
        found = [a for a in self.answers if a.item.code == code]
        if not found:
            return None
        if found[0].item.kind == "multi":
            return [a.choice for a in found]
        a = found[0]
        return a.number if a.number is not None else (a.choice or a.text)

    @property
    def summary(self) -> str:
        """Every answer in one line for staff (English labels)."""
        parts = []
        for item in self.version.items:
            value = self.value(item.code)
            if value in (None, "", []):
                continue
            if item.kind == "rating":
                value = f"{value}/5"
            elif item.kind == "yes_no":
                value = "yes" if value else "no"
            elif isinstance(value, list):
                value = ", ".join(item.choice_label(v, "en") for v in value)
            elif item.kind == "choice":
                value = item.choice_label(value, "en")
            parts.append(f"{item.label}: {value}")
        return "; ".join(parts)


class SurveyAnswer(db.Model):
    """One answer to one item: `number` (rating 1-5, yes_no 1/0), `choice` (a choice code; a
    multi item has one row per chosen code) or `text` (free text, a link)."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("submission_id", "item_id", "choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("survey_submission.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id"), index=True)
    number: Mapped[int | None]
    choice: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[SurveySubmission] = relationship(back_populates="answers")
    item: Mapped[SurveyItem] = relationship(lazy="joined")
