"""Instruments and their versions: the current version, the defaults, and admins' edits.

Reads never write: before an admin saves anything, `current_version` hands back the default
instrument unsaved (a GET changes nothing); `ensure_version` saves it, inside the transaction
of the first answer or edit that needs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.surveys import defaults
from tacenter.surveys.models import InstrumentVersion, SurveyInstrument, SurveyItem
from tacenter.vocab import Role


@dataclass(frozen=True)
class ItemDraft:
    code: str
    kind: str
    label: str
    text_en: str
    text_es: str = ""
    choices: tuple[tuple[str, str, str], ...] = ()
    required: bool = False

    @classmethod
    def of(cls, item) -> ItemDraft:
        return cls(
            item.code, item.kind, item.label, item.text_en, item.text_es, tuple(item.choices), item.required
        )


def default_drafts(kind: str) -> list[ItemDraft]:
    return [
        ItemDraft(c, k, lab, en, es, tuple(ch), req) for c, k, lab, en, es, ch, req in defaults.DEFAULTS[kind]
    ]


def _build(instrument: SurveyInstrument | None, kind: str, number: int, drafts: list[ItemDraft], **kw):
    version = InstrumentVersion(number=number, **kw)
    version.instrument = instrument or SurveyInstrument(
        kind=kind, name_en=defaults.NAMES[kind][0], name_es=defaults.NAMES[kind][1]
    )
    version.items = [
        SurveyItem(
            position=i,
            code=d.code,
            kind=d.kind,
            label=d.label,
            text_en=d.text_en,
            text_es=d.text_es,
            choices_json=json.dumps([list(c) for c in d.choices]),
            required=d.required,
        )
        for i, d in enumerate(drafts, start=1)
    ]
    return version


def current_version(kind: str) -> InstrumentVersion:
    """The newest saved version of the instrument `kind`, or its unsaved default."""
    if kind not in defaults.INSTRUMENT_KINDS:
        raise ValueError(kind)
    version = db.session.scalar(
        select(InstrumentVersion)
        .join(SurveyInstrument)
        .where(SurveyInstrument.kind == kind)
        .order_by(InstrumentVersion.number.desc())
        .limit(1)
    )
    if version is None:
        version = _build(None, kind, 1, default_drafts(kind))
    return version


def ensure_version(kind: str) -> InstrumentVersion:
    """The current version, saved (the default is saved on first use, once: unique kind)."""
    version = current_version(kind)
    if version.id is None:
        savepoint = db.session.begin_nested()
        try:
            db.session.add(version)
            savepoint.commit()
        except IntegrityError:  # saved meanwhile by someone else
            savepoint.rollback()
            version = current_version(kind)
    return version


def _check(drafts: list[ItemDraft]) -> None:
    if not drafts:
        raise DomainError("An instrument needs at least one item.")
    codes = [d.code for d in drafts]
    if len(set(codes)) != len(codes):
        raise DomainError("Each item needs its own code.")
    for d in drafts:
        if not d.code or not d.code.replace("_", "").isalnum() or len(d.code) > 40:
            raise DomainError("Codes are letters, digits and underscores (at most 40).")
        if d.kind not in defaults.ITEM_KINDS:
            raise DomainError(f"Choose a kind for item {d.code}.")
        if not d.text_en.strip() or not d.label.strip():
            raise DomainError(f"Item {d.code} needs a label and English wording.")
        if d.kind in (defaults.CHOICE, defaults.MULTI) and len(d.choices) < 2:
            raise DomainError(f"Item {d.code} needs at least two choices.")


def publish_version(
    kind: str, drafts: list[ItemDraft], *, note: str = "", actor: User, now: datetime | None = None
) -> InstrumentVersion | None:
    """Admins edit an instrument: a new version when anything changed (None when nothing did).
    Earlier versions and their answers stay as they were. Audited as a settings change."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins edit survey instruments.")
    _check(drafts)
    now = now or utcnow()
    current = ensure_version(kind)
    if [ItemDraft.of(i) for i in current.items] == list(drafts):
        return None
    number = 1 + db.session.scalar(
        select(func.max(InstrumentVersion.number)).where(
            InstrumentVersion.instrument_id == current.instrument_id
        )
    )
    version = _build(
        current.instrument, kind, number, drafts, note=note[:300], created_by_id=actor.id, created_at=now
    )
    db.session.add(version)
    record_event(
        Action.SETTINGS_CHANGED,
        actor=actor,
        object_type="survey_instrument",
        object_ref=f"{kind} v{number}",
        now=now,
    )
    db.session.commit()
    return version


def versions_of(kind: str) -> list[InstrumentVersion]:
    return list(
        db.session.scalars(
            select(InstrumentVersion)
            .join(SurveyInstrument)
            .where(SurveyInstrument.kind == kind)
            .order_by(InstrumentVersion.number.desc())
        )
    )
