"""Participants answer an event's post-event instrument without an account.

The link carries a signed token of the event id (not guessable, nothing stored). An answer keeps
no user and no address: only the hash of a random key kept in the browser's cookie, unique per
event, so a browser answers each event once. The survey takes answers from the event's day for
the center's `event_survey_days`; a cancelled event takes none.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tacenter.center.services import center_settings
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, NotFound
from tacenter.extensions import db
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.group_ta.vocab import EventStatus
from tacenter.i18n import lazy_gettext as _l
from tacenter.surveys.answers import submit
from tacenter.surveys.defaults import POST_EVENT
from tacenter.surveys.models import SurveySubmission
from tacenter.timeliness.business_days import local_date

COOKIE = "tacenter_survey_key"
ALREADY = _l("This browser already answered this event's survey. Thank you.")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="event-survey")


def survey_token(event_id: int) -> str:
    return _signer().dumps(event_id)


def event_of_token(token: str) -> Event:
    """The event a survey link names; NotFound for a wrong or altered link."""
    try:
        event_id = _signer().loads(token[:200])
    except BadSignature:
        raise NotFound(_l("There is no such survey.")) from None
    event = db.session.get(Event, event_id) if isinstance(event_id, int) else None
    if event is None:
        raise NotFound(_l("There is no such survey."))
    return event


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)


def hashed(browser_key: str) -> str:
    return hashlib.sha256(browser_key.encode()).hexdigest()


def closes_on(event: Event) -> date:
    """The last day (center's time zone) the survey takes answers."""
    return event.event_date + timedelta(days=center_settings().event_survey_days)


def survey_state(event: Event, *, now: datetime | None = None) -> str:
    """ "open", "not_yet" (before the event's day), "closed" (after the days) or "cancelled"."""
    if event.status == EventStatus.CANCELLED.value:
        return "cancelled"
    today = local_date(now or utcnow(), current_app.config["CENTER_TIMEZONE"])
    if today < event.event_date:
        return "not_yet"
    return "closed" if today > closes_on(event) else "open"


def answered_by(event_id: int, browser_key: str | None) -> bool:
    if not browser_key:
        return False
    return (
        db.session.scalar(
            select(SurveySubmission.id).where(
                SurveySubmission.event_id == event_id, SurveySubmission.browser_key == hashed(browser_key)
            )
        )
        is not None
    )


def answer_event_survey(
    event: Event, form, *, browser_key: str, locale: str, now: datetime | None = None
) -> tuple[SurveySubmission | None, dict[str, str]]:
    """Save one participant's answers: (submission, {}) or (None, {code: message})."""
    now = now or utcnow()
    state = survey_state(event, now=now)
    if state != "open":
        raise DomainError(
            _l("This survey opens on the day of the event.")
            if state == "not_yet"
            else _l("This survey is closed. Thank you for your interest.")
        )
    if answered_by(event.id, browser_key):
        raise Conflict(ALREADY)
    submission, errors = submit(
        POST_EVENT, form, purpose=POST_EVENT, ta_request_id=None, respondent_id=None, locale=locale, now=now
    )
    if errors:
        return None, errors
    submission.event_id, submission.browser_key = event.id, hashed(browser_key)
    try:
        db.session.commit()
    except IntegrityError:  # the same browser twice at once: the unique key keeps the first
        db.session.rollback()
        raise Conflict(ALREADY) from None
    return submission, {}


@dataclass(frozen=True)
class ResponseRate:
    answers: int
    participants: int

    @property
    def percent(self) -> float | None:
        """Answers ÷ participants recorded, as a percentage; None without participants."""
        return round(100 * self.answers / self.participants, 1) if self.participants else None


def response_rate(event: Event) -> ResponseRate:
    answers = db.session.scalar(
        select(func.count()).select_from(SurveySubmission).where(SurveySubmission.event_id == event.id)
    )
    recorded = db.session.scalar(
        select(func.coalesce(func.sum(EventAttendance.participant_count), 0)).where(
            EventAttendance.event_id == event.id
        )
    )
    return ResponseRate(answers or 0, int(recorded or 0) + event.non_grantee_count)
