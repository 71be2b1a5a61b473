"""The SAMHSA-ready column map: ONE module a center edits when the funder revises its forms.

Each form is a list of columns: (column name, what it holds and its codes, how to read it from
one submission). A submission is read as `Row`: its id, instrument version number, purpose,
date, language, the request's tier (a follow-up after an event: the event's; its `event` holds
the event's id), and `values` {item code: answer} (a list for multi items). Missing answers
take MISSING. No names, emails or request references leave in these files.
Post-event answers are read from the event (its tier, type); an event description's `Row`
is one delivered event, its facts in `event` (see docs/outcomes.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

MISSING = -9  # the funder's code for "no answer"
LANGUAGE = {"en": 1, "es": 2}  # 1 English, 2 Spanish
TIER = {"universal": 1, "targeted": 2, "intensive": 3}
GOAL_MET = {"yes": 1, "partly": 2, "no": 3}
YES_NO = {True: 1, False: 0}
EVENT_TYPE = {"training": 1, "ta": 2, "meeting": 3}
EVENT_MODE = {"virtual": 1, "in_person": 2, "hybrid": 3}
EVENT_LANGUAGE = {"en": 1, "es": 2, "both": 3}
EVIDENCE = ("evidence_note", "evidence_link", "evidence_file")  # a file: read from its attachment
EVENTS = "event"  # the purpose pattern of a form whose rows are events, not answers


@dataclass
class Row:
    id: int
    version: int
    purpose: str
    submitted_at: datetime
    locale: str
    tier: str
    values: dict = field(default_factory=dict)
    event: dict = field(default_factory=dict)  # event_id, event_type, event_date, participants, …


@dataclass(frozen=True)
class Col:
    name: str
    meaning: str
    read: Callable[[Row], object]


def _number(code: str) -> Callable[[Row], object]:
    return lambda r: r.values[code] if isinstance(r.values.get(code), int) else MISSING


def _coded(code: str, codes: dict) -> Callable[[Row], object]:
    return lambda r: codes.get(r.values.get(code), MISSING)


def _changed(choice: str) -> Callable[[Row], object]:
    return lambda r: MISSING if "what_changed" not in r.values else int(choice in r.values["what_changed"])


def _text(code: str) -> Callable[[Row], object]:
    return lambda r: " ".join(str(r.values.get(code) or "").split())[:1000]


COMMON = [
    Col("RecordID", "This system's answer number (not a person's id)", lambda r: r.id),
    Col("FormVersion", "Version of the instrument answered", lambda r: r.version),
    Col("DateCompleted", "Date answered, YYYY-MM-DD (UTC)", lambda r: r.submitted_at.date().isoformat()),
    Col("Language", "1 English, 2 Spanish", lambda r: LANGUAGE.get(r.locale, MISSING)),
    Col("TATier", "1 universal, 2 targeted, 3 intensive", lambda r: TIER.get(r.tier, MISSING)),
]

FORMS: dict[str, tuple[str, str, list[Col]]] = {
    # key: (title, submission purpose as a SQL LIKE pattern, columns)
    "post_request": (
        "Post-TA survey (requests)",
        "post_request",
        COMMON
        + [
            Col(
                "Quality",
                "Quality of the TA, 1 (poor) to 5 (excellent); -9 not asked or not answered",
                _number("quality"),
            ),
            Col("Relevance", "Relevance, 1 to 5; -9 missing", _number("relevance")),
            Col("Usefulness", "Usefulness, 1 to 5; -9 missing", _number("usefulness")),
            Col("Timeliness", "Timeliness, 1 to 5; -9 missing", _number("timeliness")),
            Col("Satisfaction", "Overall satisfaction, 1 to 5; -9 missing", _number("satisfaction")),
            Col(
                "IntentToUse",
                "Intends to use what was learned: 1 yes, 0 no; -9 missing",
                _coded("intent_to_use", YES_NO),
            ),
            Col("GoalMet", "Goal met: 1 yes, 2 partly, 3 no; -9 missing", _coded("goal_met", GOAL_MET)),
        ],
    ),
    "follow_up": (
        "Follow-up survey",
        "follow_up_%",
        COMMON
        + [
            Col(
                "FollowUpDays",
                "Days after the request closed or the event was delivered: 30 or 90",
                lambda r: int(r.purpose.rsplit("_", 1)[1]),
            ),
            Col(
                "EventID",
                "This system's event number for a follow-up after an event; -9 after a request",
                lambda r: r.event.get("event_id", MISSING),
            ),
            Col("ChangePractice", "1 a change in practice, 0 not; -9 missing", _changed("practice")),
            Col("ChangePolicy", "1 a change in policy, 0 not; -9 missing", _changed("policy")),
            Col("ChangeProgram", "1 a new or changed program, 0 not; -9 missing", _changed("program")),
            Col("ChangeFinancing", "1 a change in financing, 0 not; -9 missing", _changed("financing")),
            Col("ChangeWorkforce", "1 a workforce change, 0 not; -9 missing", _changed("workforce")),
            Col("NothingYet", "1 nothing changed yet, 0 not; -9 missing", _changed("nothing_yet")),
            Col(
                "EvidenceGiven",
                "1 a note, link or file given as evidence, 0 none",
                lambda r: int(
                    any(r.values.get(c) for c in ("evidence_note", "evidence_link", "evidence_file"))
                ),
            ),
            Col(
                "Barriers",
                "Barriers, free text (spaces collapsed, at most 1,000 characters)",
                _text("barriers"),
            ),
        ],
    ),
    "post_event": (
        "Post-event survey (participants, anonymous)",
        "post_event",
        COMMON
        + [
            Col("EventID", "This system's event number", lambda r: r.event.get("event_id", MISSING)),
            Col(
                "EventType",
                "1 training, 2 TA session, 3 meeting",
                lambda r: EVENT_TYPE.get(r.event.get("event_type"), MISSING),
            ),  # fmt: skip
            Col("Quality", "Quality of the event, 1 (poor) to 5 (excellent); -9 missing", _number("quality")),
            Col("Relevance", "Relevance, 1 to 5; -9 missing", _number("relevance")),
            Col("Usefulness", "Usefulness, 1 to 5; -9 missing", _number("usefulness")),
            Col("Satisfaction", "Overall satisfaction, 1 to 5; -9 missing", _number("satisfaction")),
            Col(
                "IntentToUse",
                "Intends to use what was learned: 1 yes, 0 no; -9 missing",
                _coded("intent_to_use", YES_NO),
            ),
        ],
    ),
    "event_description": (
        "Event descriptions (delivered events)",
        EVENTS,
        [
            Col("EventID", "This system's event number", lambda r: r.id),
            Col("EventDate", "Date held, YYYY-MM-DD (center's time zone)", lambda r: r.event["event_date"]),
            Col(
                "EventType",
                "1 training, 2 TA session, 3 meeting",
                lambda r: EVENT_TYPE.get(r.event["event_type"], MISSING),
            ),  # fmt: skip
            Col("TATier", "1 universal, 2 targeted, 3 intensive", lambda r: TIER.get(r.tier, MISSING)),
            Col(
                "Mode", "1 virtual, 2 in person, 3 hybrid", lambda r: EVENT_MODE.get(r.event["mode"], MISSING)
            ),
            Col("Language", "1 English, 2 Spanish, 3 both", lambda r: EVENT_LANGUAGE.get(r.locale, MISSING)),
            Col("DurationHours", "Length in hours", lambda r: r.event["hours"]),
            Col(
                "Participants",
                "Participants recorded (all organizations and others)",
                lambda r: r.event["participants"],
            ),  # fmt: skip
            Col("Organizations", "Organizations that attended", lambda r: r.event["organizations"]),
            Col("SurveyAnswers", "Post-event answers received", lambda r: r.event["answers"]),
        ],
    ),
}
