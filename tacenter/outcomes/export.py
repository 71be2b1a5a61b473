"""Building a SAMHSA-ready table from the answers of a period (columns: samhsa_map)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus
from tacenter.intake.models import TARequest
from tacenter.outcomes.models import FollowUp
from tacenter.outcomes.samhsa_map import EVENTS, FORMS, Row
from tacenter.outcomes.scope import follow_up_subjects
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table
from tacenter.surveys.models import InstrumentVersion, SurveyAnswer, SurveyItem, SurveySubmission


def _evidence_file():
    """Whether a file was given as the answer's evidence (a follow-up's attachment)."""
    return (
        select(Attachment.id)
        .join(FollowUp, FollowUp.id == Attachment.follow_up_id)
        .where(FollowUp.submission_id == SurveySubmission.id)
        .exists()
    )


def submission_rows(purpose_like: str, filters: ReportFilters, *, tz: str) -> list[Row]:
    """Every submission of the period with {item code: value}: post-event answers of the events
    of the filtered tier; the others (post-request, follow-ups after requests and after events)
    scoped by follow_up_subjects. A row's tier is its request's or its event's."""
    lo, hi = filters.period.bounds(tz)
    rows: dict[int, Row] = {}
    if purpose_like == "post_event":
        scoped = Event.tier == filters.tier if filters.tier else SurveySubmission.event_id.is_not(None)
    else:
        scoped = follow_up_subjects(
            filters,
            request_id=SurveySubmission.ta_request_id,
            event_id=SurveySubmission.event_id,
            person_id=SurveySubmission.respondent_id,
        )
    query = (
        select(
            SurveySubmission.id,
            InstrumentVersion.number,
            SurveySubmission.purpose,
            SurveySubmission.submitted_at,
            SurveySubmission.locale,
            func.coalesce(TARequest.tier, Event.tier),
            SurveyItem.code,
            SurveyItem.kind,
            SurveyAnswer.number,
            SurveyAnswer.choice,
            SurveyAnswer.text,
            Event.id,
            Event.event_type,
            _evidence_file(),
        )
        .join(InstrumentVersion, InstrumentVersion.id == SurveySubmission.version_id)
        .outerjoin(TARequest, TARequest.id == SurveySubmission.ta_request_id)
        .outerjoin(Event, Event.id == SurveySubmission.event_id)
        .outerjoin(SurveyAnswer, SurveyAnswer.submission_id == SurveySubmission.id)
        .outerjoin(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(
            scoped,
            SurveySubmission.purpose.like(purpose_like),
            SurveySubmission.submitted_at >= lo,
            SurveySubmission.submitted_at < hi,
        )
        .order_by(SurveySubmission.submitted_at, SurveySubmission.id)
    )
    for (
        sid,
        version,
        purpose,
        at,
        locale,
        tier,
        code,
        kind,
        number,
        choice,
        text,
        *event,
    ) in db.session.execute(query):
        row = rows.setdefault(sid, Row(sid, version, purpose, at, locale, tier))
        if event[0] is not None:
            row.event = {"event_id": event[0], "event_type": event[1]}
        if event[2]:
            row.values["evidence_file"] = True
        if code is None:
            continue
        if kind == "multi":
            row.values.setdefault(code, []).append(choice)
        elif kind == "yes_no":
            row.values[code] = bool(number)
        else:
            row.values[code] = number if number is not None else (choice or text)
    return list(rows.values())


def event_rows(filters: ReportFilters) -> list[Row]:
    """Every event delivered in the period (by its date; of the filtered tier), with its counts."""
    people = (
        select(
            EventAttendance.event_id,
            func.count().label("organizations"),
            func.sum(EventAttendance.participant_count).label("participants"),
        )
        .group_by(EventAttendance.event_id)
        .subquery()
    )
    answers = (
        select(SurveySubmission.event_id, func.count().label("answers"))
        .where(SurveySubmission.event_id.is_not(None))
        .group_by(SurveySubmission.event_id)
        .subquery()
    )
    query = (
        select(Event, people.c.organizations, people.c.participants, answers.c.answers)
        .outerjoin(people, people.c.event_id == Event.id)
        .outerjoin(answers, answers.c.event_id == Event.id)
        .where(
            Event.status == EventStatus.DELIVERED.value,
            Event.event_date >= filters.period.start,
            Event.event_date <= filters.period.end,
            Event.tier == filters.tier if filters.tier else True,
        )
        .order_by(Event.event_date, Event.id)
    )
    rows = []
    for event, organizations, participants, answered in db.session.execute(query):
        held = datetime.combine(event.event_date, time())
        row = Row(event.id, 0, "event_description", held, event.language, event.tier)
        row.event = {
            "event_date": event.event_date.isoformat(),
            "event_type": event.event_type,
            "mode": event.mode,
            "hours": float(event.duration_hours),
            "participants": int(participants or 0) + event.non_grantee_count,
            "organizations": int(organizations or 0),
            "answers": int(answered or 0),
        }
        rows.append(row)
    return rows


def samhsa_table(form: str, filters: ReportFilters, *, tz: str) -> Table:
    title, purpose_like, columns = FORMS[form]
    found = event_rows(filters) if purpose_like == EVENTS else submission_rows(purpose_like, filters, tz=tz)
    body = [[col.read(row) for col in columns] for row in found]
    return Table(title, [c.name for c in columns], body, "; ".join(f"{c.name}: {c.meaning}" for c in columns))
