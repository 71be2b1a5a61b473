"""Checking rows of an attendance spreadsheet (group TA, docs/group-ta.md): which event, which
organization, how many participants and their roles. Each good row is written by
group_ta.attendance.put_attendance, the rule the event page uses, in the import's transaction.

An event is named by its number (as in its page's address and the API), or by its title, with
`event_date` when several events share the title. An organization by its external id or name.
Re-importing the same file changes nothing; a changed count or roles replaces the recorded one.
"""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.group_ta.attendance import whole_number
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.records.cells import Cells
from tacenter.records.validate import CHANGED, NEW, UNCHANGED, Context, Outcome


def load_attendance_lookups(ctx: Context) -> None:
    s = db.session
    ctx.events = {}  # id -> (title, date)
    ctx.event_titles = {}  # lower title -> [(id, date)]
    for event_id, title, day in s.execute(select(Event.id, Event.title, Event.event_date)):
        ctx.events[event_id] = (title, day)
        ctx.event_titles.setdefault(title.strip().lower(), []).append((event_id, day))
    ctx.org_names = {n.lower(): i for i, n in s.execute(select(Organization.id, Organization.name))}
    ctx.attendance = {
        (e, o): (c, r or "")
        for e, o, c, r in s.execute(
            select(
                EventAttendance.event_id,
                EventAttendance.organization_id,
                EventAttendance.participant_count,
                EventAttendance.roles,
            )
        )
    }


def _event(cells: Cells, ctx: Context) -> int | None:
    given = cells.text("event", 200, required=True).strip()
    day = cells.day("event_date")
    if not given:
        return None
    number = given.removeprefix("#")
    if number.isdigit() and len(number) < 10:
        if int(number) not in ctx.events:
            cells.problem("event", f"there is no event number {number}")
            return None
        return int(number)
    matches = [i for i, d in ctx.event_titles.get(given.lower(), []) if day is None or d == day]
    if not matches:
        on = f" on {day.isoformat()}" if day else ""
        cells.problem("event", f"no event is titled “{given}”{on}")
        return None
    if len(matches) > 1:
        cells.problem("event", f"several events are titled “{given}”: add event_date or give its number")
        return None
    return matches[0]


def check_attendance(cells: Cells, ctx: Context) -> Outcome | None:
    event_id = _event(cells, ctx)
    org_given = cells.text("organization", 200, required=True).strip()
    org_id = ctx.orgs.get(org_given) or ctx.org_names.get(org_given.lower()) if org_given else None
    if org_given and org_id is None:
        cells.problem("organization", f"no organization has the external_id or name “{org_given}”")
    count = None
    participants = cells.text("participants", 12, required=True).strip()
    if participants:
        try:
            count = whole_number(participants, "Participants", low=1)
        except DomainError as error:
            cells.problem("participants", str(error.message))
    roles = cells.text("roles", 300).strip()
    if event_id is None or org_id is None or count is None:
        return None
    key = f"{event_id}:{org_id}"
    if key in ctx.seen:
        cells.problem("organization", f"“{org_given}” appears twice for this event in the file")
        return None
    ctx.seen.add(key)
    existing = ctx.attendance.get((event_id, org_id))
    status = NEW if existing is None else UNCHANGED if existing == (count, roles) else CHANGED
    values = {"event_id": event_id, "organization_id": org_id, "participant_count": count, "roles": roles}
    return Outcome(key, values, None, status)
