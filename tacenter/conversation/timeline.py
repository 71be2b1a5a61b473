"""One timeline for the request page: stage changes, assignments, edits of the request, replies,
notes, files, activities, TA plan changes and the survey, in time order, each with who was told
and how. Read in one statement (conversation.page_rows) whatever the size, and only what
`actor` may see: internal notes, assignments, activities and who was notified are staff-only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from types import SimpleNamespace

from tacenter.accounts.models import User
from tacenter.conversation.page_rows import PageRows, load_page_rows
from tacenter.intake.models import RequestChange, TARequest
from tacenter.notifications.models import EmailMode
from tacenter.workflow.rules import Stage


@dataclass
class Entry:
    when: datetime
    kind: str  # stage, assignment, edit, reply, note, file, activity, plan, survey
    item: object
    files: list = field(default_factory=list)
    notified: list = field(default_factory=list)  # (name, how) of the people told of it
    hide_note: bool = False  # a question to the requester: shown once, as the reply it is
    outcome: tuple[str, str] | None = None  # (goal met, summary) on the close that stands


# Which event a notification of each kind tells of, among the entries at the same moment.
_TELLS_OF = {
    "assigned": "assignment",
    "reassigned": "assignment",
    "stage_changed": "stage",
    "survey_requested": "stage",
    "request_received": "stage",
    "new_request": "stage",
    "request_edited": "edit",
    "reply_posted": "reply",
    "requester_replied": "reply",
}


def _edits(changes: list[RequestChange]) -> list[Entry]:
    """Each save of the edit form, with its changed fields (field, old value, new value)."""
    return [
        Entry(when, "edit", SimpleNamespace(actor=group[0].actor, changes=group))
        for (when, _), rows in groupby(changes, key=lambda c: (c.created_at, c.actor_id))
        for group in [list(rows)]
    ]


def _how(email_sent: bool, digest_pending: bool, mode: str | None) -> str:
    if email_sent:
        return "email and in-app"
    if digest_pending or mode == EmailMode.DAILY_DIGEST:
        return "daily digest and in-app"
    return "in-app only"


def _notifications(told: list) -> dict[datetime, list[tuple[str, str, str]]]:
    """{moment: [(kind, name, how)]}: the notifications of this request, by when they were made
    (in the same transaction as their event, with the same injected time)."""
    by_moment = defaultdict(list)
    for when, kind, name, emailed, pending, mode in told:
        by_moment[when].append((kind, name, _how(emailed, pending, mode)))
    return by_moment


def _attach_notifications(entries: list[Entry], told: dict) -> None:
    by_moment = defaultdict(list)
    for entry in entries:
        by_moment[entry.when].append(entry)
    for when, notices in told.items():
        at_moment = by_moment.get(when, [])
        for kind, name, how in notices:
            fitting = [e for e in at_moment if e.kind == _TELLS_OF.get(kind)] or at_moment
            if fitting:
                fitting[0].notified.append((name, how))


def _mark_questions(entries: list[Entry]) -> None:
    """A question to the requester is a reply and a move to waiting at once: show its text once."""
    replies = {(e.when, e.item.author_id) for e in entries if e.kind == "reply"}
    for e in entries:
        if e.kind == "stage" and e.item.to_stage == Stage.WAITING_ON_REQUESTER:
            e.hide_note = (e.when, e.item.actor_id) in replies


def timeline(ta_request: TARequest, actor: User, rows: PageRows | None = None) -> list[Entry]:
    """`rows`: the page's rows (conversation.page_rows) when the caller has read them already."""
    staff = actor.is_staff_side
    rows = rows if rows is not None else load_page_rows(ta_request, actor)
    entries = [Entry(c.created_at, "stage", c) for c in rows["stage"]]
    entries += _edits(rows["edit"])
    by_message = defaultdict(list)
    for attachment in rows["file"]:
        if attachment.message_id is None:
            entries.append(Entry(attachment.created_at, "file", attachment))
        else:
            by_message[attachment.message_id].append(attachment)
    for message in rows["message"]:
        entries.append(Entry(message.created_at, message.kind, message, by_message.get(message.id, [])))
    entries += [Entry(p.created_at, "plan", p) for p in rows["plan"]]
    if staff:
        entries += [Entry(a.assigned_at, "assignment", a) for a in rows["assignment"]]
        entries += [Entry(h.created_at, "activity", h) for h in rows["activity_history"]]
    if rows.survey is not None:
        entries.append(Entry(rows.survey.submitted_at, "survey", rows.survey))
    order = {"stage": 0, "assignment": 1}
    entries.sort(key=lambda e: (e.when, order.get(e.kind, 2)))
    _mark_questions(entries)
    closes = [e for e in entries if e.kind == "stage" and e.item.to_stage == Stage.CLOSED]
    if closes and ta_request.stage == Stage.CLOSED:  # a reopen clears the outcome it replaces
        closes[-1].outcome = (ta_request.goal_met or "", ta_request.outcome_summary or "")
    if staff:
        _attach_notifications(entries, _notifications(rows.told))
    return entries
