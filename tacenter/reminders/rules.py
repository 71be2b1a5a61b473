"""The reminder kinds, who they go to, and their thresholds (config, in business days)."""

from __future__ import annotations

import enum

from flask import current_app


class Kind(enum.StrEnum):
    UNTRIAGED = "untriaged"  # no first response past its target -> leads
    UNASSIGNED = "unassigned"  # not assigned past its target -> leads
    STALE_ASSIGNEE = "stale_assignee"  # no activity for N days -> the assignee
    STALE_LEAD = "stale_lead"  # ... and still none after more days -> the leads
    WAITING_NUDGE = "waiting_nudge"  # waiting on the requester for N days -> the requester
    WAITING_CLOSE = "waiting_close"  # ... M more days -> closed as unanswered
    NEEDED_BY_SOON = "needed_by_soon"  # needed-by date near -> assignee and leads
    NEEDED_BY_PASSED = "needed_by_passed"  # needed-by date passed -> assignee and leads
    SURVEY = "survey"  # closed, survey not answered -> the requester, once


LABELS = {
    Kind.UNTRIAGED: "No first response yet: leads reminded",
    Kind.UNASSIGNED: "Not assigned yet: leads reminded",
    Kind.STALE_ASSIGNEE: "No activity: assignee reminded",
    Kind.STALE_LEAD: "Still no activity: leads told",
    Kind.WAITING_NUDGE: "Requester reminded of the open question",
    Kind.WAITING_CLOSE: "Closed as unanswered",
    Kind.NEEDED_BY_SOON: "Needed-by date near: assignee and leads reminded",
    Kind.NEEDED_BY_PASSED: "Needed-by date passed: assignee and leads told",
    Kind.SURVEY: "Requester reminded of the survey",
}

# An escalation waits for its own grace period, counted (in business days) from the
# reminder it escalates: a first sweep over old work, or a sweep after downtime, sends
# the reminder alone, and the escalation only if that reminder goes unheeded.
ESCALATES = {
    Kind.STALE_LEAD: (Kind.STALE_ASSIGNEE, "REMINDER_ESCALATE_DAYS"),
    Kind.WAITING_CLOSE: (Kind.WAITING_NUDGE, "REMINDER_WAITING_CLOSE_DAYS"),
}

# Defaults; each can be overridden in the app config under the same name.
DEFAULTS = {
    "REMINDER_STALE_DAYS": 5,
    "REMINDER_ESCALATE_DAYS": 3,
    "REMINDER_WAITING_NUDGE_DAYS": 5,
    "REMINDER_WAITING_CLOSE_DAYS": 10,
    "REMINDER_NEEDED_BY_WARN_DAYS": 3,
    "REMINDER_SURVEY_DAYS": 5,
    # A survey reminder only within this many calendar days of closing: later, it is no news.
    "REMINDER_SURVEY_WINDOW_DAYS": 30,
    "REMINDER_BATCH": 1000,
}


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))
