"""The fixed vocabularies of group TA, and the one table of an event's statuses."""

from __future__ import annotations

import enum

from tacenter.i18n import gettext as _
from tacenter.vocab import Tier


class EventType(enum.StrEnum):
    """SAMHSA's training and TA typology (83 FR 65698): trainings, TA and meetings."""

    TRAINING = "training"
    TA = "ta"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        return {"training": _("Training"), "ta": _("TA session"), "meeting": _("Meeting")}[self.value]


class EventMode(enum.StrEnum):
    VIRTUAL = "virtual"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {"virtual": _("Virtual"), "in_person": _("In person"), "hybrid": _("Hybrid")}[self.value]


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": _("Planned"), "delivered": _("Delivered"), "cancelled": _("Cancelled")}[self.value]


# Who may move an event from one status to another: the only table of event statuses.
# (from, to) -> rule checked by services.change_status. A delivered event is never in the future.
STATUS_MOVES = {
    (EventStatus.PLANNED, EventStatus.DELIVERED),
    (EventStatus.PLANNED, EventStatus.CANCELLED),
    (EventStatus.DELIVERED, EventStatus.PLANNED),  # a mistake undone
    (EventStatus.CANCELLED, EventStatus.PLANNED),
}

LANGUAGES = {"en": "English", "es": "Spanish", "both": "English and Spanish"}


class EventLabels:
    """An event's coded values in words, for the model and for the event tables' plain rows
    (event_rows.EventRow): anything with event_type, tier, mode and status."""

    @property
    def type_label(self) -> str:
        return EventType(self.event_type).label

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label

    @property
    def mode_label(self) -> str:
        return EventMode(self.mode).label

    @property
    def status_label(self) -> str:
        return EventStatus(self.status).label


# The tiers an event may have: one-off events are universal or targeted; a collaborative's
# sessions are intensive (a collaborative is sustained, individualized TA).
ONE_OFF_TIERS = ("universal", "targeted")
SESSION_TIER = "intensive"
MAX_PARTICIPANTS = 5000  # per organization, per event: more is a typing slip
MAX_HOURS = 24
