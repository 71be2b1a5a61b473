"""Reading and changing the center's settings."""

from __future__ import annotations

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.center.models import DEFAULT_CENTER_NAME, CenterSettings
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.vocab import Role


def center_settings() -> CenterSettings:
    """The one settings row, or unsaved defaults before an admin has saved any."""
    return db.session.get(CenterSettings, 1) or CenterSettings(id=1, name=DEFAULT_CENTER_NAME)


def center_name() -> str:
    return center_settings().name


def save_center_settings(name: str, *, actor: User) -> CenterSettings:
    """Admins name the center (as funders know it); the name heads every funder report."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins change the center's settings.")
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 200:
        raise DomainError("Give the center's name (2 to 200 characters).")
    settings = db.session.get(CenterSettings, 1) or CenterSettings(id=1)
    settings.name = name
    db.session.add(settings)
    record_event(Action.SETTINGS_CHANGED, actor=actor, object_type="center_settings", object_ref="center")
    db.session.commit()
    return settings
