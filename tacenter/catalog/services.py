"""Admins edit the catalog: topic areas and grant programs.

Entries are deactivated, never deleted, so past requests keep their topics and programs.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.errors import Conflict, DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.vocab import Role

KINDS = {"topic": Topic, "program": GrantProgram}


def _model(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise NotFound() from None


def _check(model, name: str, *, actor: User, exclude_id: int | None = None) -> str:
    if actor is None or not actor.is_authenticated or actor.role_enum != Role.ADMIN:
        raise NotAllowed()
    name = name.strip()
    if not name:
        raise DomainError("Give it a name.")
    clash = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        clash = clash.where(model.id != exclude_id)
    if db.session.scalar(clash) is not None:
        raise Conflict("One with that name already exists.")
    return name


def create_entry(kind: str, name: str, *, actor: User, name_es: str | None = None) -> Topic | GrantProgram:
    """Add an active topic or program; names are unique regardless of case."""
    model = _model(kind)
    entry = model(name=_check(model, name, actor=actor), name_es=(name_es or "").strip() or None, active=True)
    db.session.add(entry)
    db.session.flush()
    record_event(Action.SETTINGS_CHANGED, actor=actor, object_type=kind, object_ref=entry.id, detail="added")
    db.session.commit()
    return entry


def update_entry(
    kind: str, entry_id: int, name: str, active: bool, *, actor: User, name_es: str | None = None
) -> Topic | GrantProgram:
    """Rename (in English and Spanish), deactivate or reactivate a topic or program. Inactive
    ones leave the forms only; a blank Spanish name puts it back on the translation gaps page."""
    model = _model(kind)
    entry = db.session.get(model, entry_id)
    if entry is None:
        # Checked after the role: a non-admin learns nothing about which ids exist.
        _check(model, "x", actor=actor)
        raise NotFound()
    entry.name = _check(model, name, actor=actor, exclude_id=entry.id)
    entry.name_es = (name_es or "").strip() or None
    entry.active = bool(active)
    record_event(
        Action.SETTINGS_CHANGED,
        actor=actor,
        object_type=kind,
        object_ref=entry.id,
        detail="active" if entry.active else "inactive",
    )
    db.session.commit()
    return entry
