"""The domain's fixed vocabularies: roles, organization types, states, tiers, modes.

Lists that admins edit (topics, grant programs) are tables in `catalog`.
"""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString

# Lazy: a label property builds its whole table and translates only the entry it returns.
from tacenter.i18n import lazy_gettext as _


class Role(enum.StrEnum):
    REQUESTER = "requester"
    STAFF = "staff"
    LEAD = "lead"
    LEADERSHIP = "leadership"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(
            {
                "requester": _("Requester"),
                "staff": _("TA staff"),
                "lead": _("Lead"),
                "leadership": _("Leadership"),
                "admin": _("Admin"),
            }[self.value]
        )


STAFF_SIDE = frozenset({Role.STAFF, Role.LEAD, Role.LEADERSHIP, Role.ADMIN})


class OrgType(enum.StrEnum):
    SAMHSA_GRANTEE = "samhsa_grantee"
    STATE_AGENCY = "state_agency"
    TRIBAL = "tribal"
    TERRITORY_AGENCY = "territory_agency"
    COMMUNITY_PROVIDER = "community_provider"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(
            {
                "samhsa_grantee": _("SAMHSA grantee"),
                "state_agency": _("State agency"),
                "tribal": _("Tribal nation or organization"),
                "territory_agency": _("Territory agency"),
                "community_provider": _("Community provider"),
                "other": _("Other"),
            }[self.value]
        )


class Tier(enum.StrEnum):
    UNIVERSAL = "universal"
    TARGETED = "targeted"
    INTENSIVE = "intensive"

    @property
    def label(self) -> str:
        return str(
            {"universal": _("Universal"), "targeted": _("Targeted"), "intensive": _("Intensive")}[self.value]
        )


class Urgency(enum.StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return str(
            {"routine": _("Routine"), "soon": _("Within a few weeks"), "urgent": _("Urgent")}[self.value]
        )


class DeliveryMode(enum.StrEnum):
    VIRTUAL_MEETING = "virtual_meeting"
    PHONE_EMAIL = "phone_email"
    ON_SITE = "on_site"
    WEBINAR_TRAINING = "webinar_training"
    PEER_LEARNING = "peer_learning"
    RESOURCE_REFERRAL = "resource_referral"

    @property
    def label(self) -> str:
        return str(
            {
                "virtual_meeting": _("Virtual meeting"),
                "phone_email": _("Phone or email consultation"),
                "on_site": _("On-site visit"),
                "webinar_training": _("Webinar or training"),
                "peer_learning": _("Peer learning community"),
                "resource_referral": _("Resource referral"),
            }[self.value]
        )


class GoalMet(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        return str({"yes": _("Yes"), "partly": _("Partly"), "no": _("No")}[self.value])


STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}


def choices(enum_cls) -> list[tuple[str, str]]:
    """(value, label) pairs; built at import by forms, so each label is read in the language of
    the page that shows it."""
    return [(member.value, LazyString(lambda m=member: m.label)) for member in enum_cls]


STATE_CHOICES = [(code, name) for code, name in sorted(STATES.items(), key=lambda kv: kv[1])]


class PlanStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(
            {
                "planned": _("Planned"),
                "in_progress": _("In progress"),
                "done": _("Done"),
                "dropped": _("Dropped"),
            }[self.value]
        )
