"""The domain's fixed vocabularies: roles, organization types, states, tiers, modes.

Lists that admins edit (topics, grant programs) are tables in `catalog`.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    REQUESTER = "requester"
    STAFF = "staff"
    LEAD = "lead"
    LEADERSHIP = "leadership"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"staff": "TA staff"}.get(self.value, self.value.capitalize())


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
        return {
            "samhsa_grantee": "SAMHSA grantee",
            "state_agency": "State agency",
            "tribal": "Tribal nation or organization",
            "territory_agency": "Territory agency",
            "community_provider": "Community provider",
            "other": "Other",
        }[self.value]


class Tier(enum.StrEnum):
    UNIVERSAL = "universal"
    TARGETED = "targeted"
    INTENSIVE = "intensive"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Urgency(enum.StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {"routine": "Routine", "soon": "Within a few weeks", "urgent": "Urgent"}[self.value]


class DeliveryMode(enum.StrEnum):
    VIRTUAL_MEETING = "virtual_meeting"
    PHONE_EMAIL = "phone_email"
    ON_SITE = "on_site"
    WEBINAR_TRAINING = "webinar_training"
    PEER_LEARNING = "peer_learning"
    RESOURCE_REFERRAL = "resource_referral"

    @property
    def label(self) -> str:
        return {
            "virtual_meeting": "Virtual meeting",
            "phone_email": "Phone or email consultation",
            "on_site": "On-site visit",
            "webinar_training": "Webinar or training",
            "peer_learning": "Peer learning community",
            "resource_referral": "Resource referral",
        }[self.value]


class GoalMet(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "partly": "Partly", "no": "No"}[self.value]


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
    return [(member.value, member.label) for member in enum_cls]


STATE_CHOICES = [(code, name) for code, name in sorted(STATES.items(), key=lambda kv: kv[1])]


class PlanStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[
            self.value
        ]
