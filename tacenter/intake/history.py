"""How a kept edit of a request reads: field names and coded values are stored as data (the
field's name, a tier's code, an ISO date) and put into words when shown, in the reader's
language, so a Spanish-speaking requester and English-speaking staff read the same record."""

from __future__ import annotations

from datetime import date

from tacenter.i18n import format_day, gettext
from tacenter.i18n import lazy_gettext as _l
from tacenter.vocab import STATES, DeliveryMode, Tier, Urgency

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "topic_ids": _l("Topics"),
    "tier": _l("Kind of help"),
    "urgency": _l("Urgency"),
    "program_id": _l("Grant program"),
    "state": _l("State or territory"),
    "needed_by": _l("Needed by"),
    "preferred_mode": _l("Preferred way"),
}
_CODED = {"tier": Tier, "urgency": Urgency, "preferred_mode": DeliveryMode}


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field


def value_shown(field: str, stored: str) -> str:
    """A stored value in words: codes by their vocabulary label, dates in the reader's format.
    Anything not recognised (free text, names) is shown as it was kept."""
    if not stored:
        return gettext("None")
    if field in _CODED and stored in {m.value for m in _CODED[field]}:
        return _CODED[field](stored).label
    if field == "needed_by":
        try:
            return format_day(date.fromisoformat(stored))
        except ValueError:
            return stored
    if field == "state":
        return STATES.get(stored, stored)
    return stored
