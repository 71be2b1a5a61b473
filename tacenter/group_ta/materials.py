"""Materials shared with an event's attendees: links to slides, toolkits and recordings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.group_ta.models import EventMaterial
from tacenter.group_ta.services import editable_event


def add_material(
    event_id: int, title: str, url: str, *, actor: User, now: datetime | None = None
) -> EventMaterial:
    """Share a resource (a link) with an event's attendees: they see it on the event's page."""
    event = editable_event(event_id, actor, None)
    title, url = (title or "").strip(), (url or "").strip()
    if not title:
        raise DomainError("Give the material a title.")
    if (
        not url.lower().startswith(("https://", "http://"))
        or len(url) > 1000
        or any(c.isspace() for c in url)
    ):
        raise DomainError("The link must be a web address starting with https://.")
    material = EventMaterial(event_id=event.id, title=title[:200], url=url, added_at=now or utcnow())
    db.session.add(material)
    db.session.commit()
    return material


def remove_material(event_id: int, material_id: int, *, actor: User) -> None:
    """Stop sharing a material."""
    event = editable_event(event_id, actor, None)
    db.session.execute(
        delete(EventMaterial).where(EventMaterial.id == material_id, EventMaterial.event_id == event.id)
    )
    db.session.commit()
