"""The columns of each kind of record, in the order files have them: what imports read,
exports write, the templates offer and docs/registry.md documents. One list, so an export
is always a file the import takes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    key_column: str  # what a re-import matches rows on
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


LIST = "several values separated by semicolons"
ORG_TYPES = "samhsa_grantee, state_agency, tribal, territory_agency, community_provider or other"
MODES = "virtual_meeting, phone_email, on_site, webinar_training, peer_learning or resource_referral"
STAGES = (
    "submitted, triage, assigned, in_progress, waiting_on_requester, delivered, closed, declined or referred"
)
WHEN = "a date (2024-03-05) or a date and time (2024-03-05T14:30:00Z; no zone = the center's)"

KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("topics", "Topics", "name", (
            Column("name", "the topic's name", True),
            Column("active", "yes or no (default yes)"),
        )),
        Kind("programs", "Grant programs", "name", (
            Column("name", "the program's name, e.g. Project LAUNCH", True),
            Column("active", "yes or no (default yes)"),
        )),
        Kind("organizations", "Organizations", "external_id", (
            Column("external_id", "your id for the organization; re-imports match on it", True),
            Column("name", "unique, regardless of case", True),
            Column("org_type", ORG_TYPES, True),
            Column("state", "two-letter state or territory code (NM, PR, GU, …)", True),
            Column("other_states", f"further states it spans, {LIST}"),
            Column("tribal", "yes or no"),
            Column("territory", "yes or no"),
            Column("status", "approved (default) or pending"),
        )),
        Kind("grants", "Grants (the funder's roster)", "grant_number", (
            Column("grant_number", "the funder's grant number; re-imports match on it", True),
            Column("organization", "the organization's external_id", True),
            Column("program", "a grant program's name", True),
            Column("project_start", "first day of the project period (a date)", True),
            Column("project_end", "last day of the project period (a date)", True),
            Column("gpo_name", "the project officer's name"),
            Column("gpo_email", "the project officer's email"),
            Column("project_director", "the project director's name"),
        )),
        Kind("users", "Users", "email", (
            Column("email", "their sign-in email; re-imports match on it", True),
            Column("name", "their name", True),
            Column("role", "requester, staff, lead, leadership or admin", True),
            Column("organization", "for requesters: their organization's external_id"),
            Column("active", "yes (default) or no"),
        )),
        Kind("requests", "Requests", "external_id", (
            Column("external_id", "your id for the request; re-imports match on it", True),
            Column("reference", "e.g. TA-2024-0042; made up when empty"),
            Column("title", "a short title", True),
            Column("description", "what was asked"),
            Column("desired_outcome", "what success would look like"),
            Column("organization", "the organization's external_id", True),
            Column("requester_email", "a requester of that organization (import users first)", True),
            Column("state", "two-letter state or territory code", True),
            Column("program", "a grant program's name"),
            Column("grant_number", "one of the organization's grants"),
            Column("topics", f"topic names, {LIST}"),
            Column("tier", "universal, targeted (default) or intensive"),
            Column("urgency", "routine (default), soon or urgent"),
            Column("preferred_mode", f"{MODES} (default virtual_meeting)"),
            Column("needed_by", "a date"),
            Column("stage", STAGES, True),
            Column("assignee_email", "the TA staff member holding it (needed from assigned on)"),
            Column("submitted_at", WHEN, True),
            Column("first_response_at", WHEN),
            Column("assigned_at", WHEN),
            Column("delivered_at", WHEN),
            Column("finished_at", f"when it was closed, declined or referred: {WHEN}"),
            Column("goal_met", "yes, partly or no"),
            Column("outcome_summary", "the outcome at closing"),
            Column("closing_reason", "why it was declined or referred"),
            Column("referred_to", "the TA provider it was referred to"),
        )),
        Kind("activities", "TA activities", "external_id", (
            Column("external_id", "your id for the activity; re-imports match on it", True),
            Column("request", "the request's external_id", True),
            Column("activity_date", "a date", True),
            Column("hours", "more than 0, at most 24, in quarter hours (1.25)", True),
            Column("mode", MODES, True),
            Column("participant_count", "a whole number (default 0)"),
            Column("participant_roles", "who took part"),
            Column("topics", f"topic names, {LIST}"),
            Column("staff_email", "the TA staff member who gave it"),
            Column("note", "a short note"),
        )),
        Kind("attendance", "Event attendance (group TA)", "event", (
            Column("event", "the event's number (in its page's address), or its exact title", True),
            Column("event_date", "the event's date (a date), when several events share the title"),
            Column("organization", "the organization's external_id or name", True),
            Column("participants", "how many of its people came: a whole number from 1 to 5,000", True),
            Column("roles", "their roles (e.g. directors; home visitors)"),
        )),
    )
}  # fmt: skip

# The order an empty database takes them in: each refers only to earlier ones. Attendance is
# import only (events are planned on their pages; their attendance exports with group TA).
ORDER = tuple(k for k in KINDS if k != "attendance")
