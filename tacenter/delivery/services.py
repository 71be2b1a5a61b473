"""TA activities (the hours funders count), the TA plan, and the satisfaction survey.

Every change to an activity writes an ActivityHistory row in the same transaction;
deleting keeps the row (deleted_at) so the history can still show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.db import utcnow
from tacenter.delivery.models import ActivityHistory, TAActivity
from tacenter.delivery.queries import survey_for
from tacenter.errors import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.i18n import recipient_locale
from tacenter.intake.models import TARequest
from tacenter.surveys.answers import submit
from tacenter.surveys.defaults import POST_REQUEST
from tacenter.surveys.models import SurveySubmission
from tacenter.vocab import DeliveryMode, Role
from tacenter.webhooks.events import EventType, emit
from tacenter.workflow import rules
from tacenter.workflow.services import get_visible_request

QUARTER = Decimal("0.25")


@dataclass
class ActivityValues:
    activity_date: date
    hours: Decimal | str
    mode: str
    participant_count: int = 0
    participant_roles: str = ""
    note: str = ""
    topic_ids: list[int] = field(default_factory=list)


def may_work(ta_request: TARequest, actor: User) -> bool:
    """Leads and admins work any request; TA staff the ones assigned to them."""
    role = actor.role_enum
    return role in (Role.LEAD, Role.ADMIN) or (role == Role.STAFF and ta_request.assignee_id == actor.id)


def record_locked(ta_request: TARequest) -> str:
    """Why the TA record (activities, plan) cannot change now, or "" when it can.

    A finished request's record is what was reported; it is locked until staff reopen it."""
    if ta_request.stage in rules.FINISHED:
        stage = rules.Stage(ta_request.stage).label.lower()
        return f"This request is {stage}; reopen it to change its TA record."
    return ""


def ensure_record_open(ta_request: TARequest) -> None:
    """The lock of record_locked, for every writer of activities and the plan."""
    if reason := record_locked(ta_request):
        raise InvalidTransition(reason)


def _workable(reference: str, actor: User) -> TARequest:
    ta_request = get_visible_request(reference, actor=actor)
    if not may_work(ta_request, actor):
        raise NotAllowed("Only the assigned TA staff member or a lead can record TA on this request.")
    ensure_record_open(ta_request)
    return ta_request


def _clean(values: ActivityValues, *, today: date) -> dict:
    try:
        hours = Decimal(str(values.hours).strip())
    except InvalidOperation:
        raise DomainError("Hours must be a number, such as 1.5.") from None
    if not hours.is_finite() or hours <= 0 or hours > 24:
        raise DomainError("Hours must be more than 0 and at most 24 for one activity.")
    if hours % QUARTER != 0:
        raise DomainError("Hours go in quarter-hour steps: 0.25, 0.5, 0.75, 1 …")
    if values.mode not in {m.value for m in DeliveryMode}:
        raise DomainError("Choose how the TA was delivered.")
    if not 0 <= int(values.participant_count) <= 10000:
        raise DomainError("Participants must be between 0 and 10,000.")
    if values.activity_date > today:
        raise DomainError("The date of an activity cannot be in the future.")
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(values.topic_ids or [-1]))))
    return {
        "activity_date": values.activity_date,
        "hours": hours.quantize(Decimal("0.01")),
        "mode": values.mode,
        "participant_count": int(values.participant_count),
        "participant_roles": values.participant_roles.strip()[:300],
        "note": values.note.strip()[:5000],
        "topics": topics,
    }


def _describe(activity: TAActivity) -> dict:
    return {
        "date": activity.activity_date.isoformat(),
        "hours": f"{activity.hours:.2f}",
        "mode": DeliveryMode(activity.mode).label,
        "participants": str(activity.participant_count),
        "roles": activity.participant_roles,
        "topics": ", ".join(sorted(t.name for t in activity.topics)),
        "note": activity.note,
    }


def _history(activity: TAActivity, action: str, changes: str, *, actor: User, now: datetime) -> None:
    db.session.add(
        ActivityHistory(
            ta_activity_id=activity.id,
            ta_request_id=activity.ta_request_id,
            actor_id=actor.id,
            action=action,
            changes=changes,
            created_at=now,
        )
    )


def log_activity(
    reference: str, values: ActivityValues, *, actor: User, now: datetime | None = None
) -> TAActivity:
    """Record one piece of delivered TA (date, quarter-hours, mode, participants, topics, note)."""
    now = now or utcnow()
    ta_request = _workable(reference, actor)
    activity = TAActivity(ta_request_id=ta_request.id, staff_id=actor.id, **_clean(values, today=now.date()))
    activity.created_at = now
    db.session.add(activity)
    db.session.flush()
    summary = _describe(activity)
    _history(activity, "logged", f"{summary['hours']} hours, {summary['mode']}", actor=actor, now=now)
    db.session.commit()
    return activity


def _activity(reference: str, activity_id: int, actor: User) -> TAActivity:
    ta_request = _workable(reference, actor)
    activity = db.session.get(TAActivity, activity_id)
    if activity is None or activity.ta_request_id != ta_request.id or activity.deleted_at is not None:
        raise NotFound("There is no such activity on this request.")
    return activity


def edit_activity(
    reference: str, activity_id: int, values: ActivityValues, *, actor: User, now: datetime | None = None
) -> TAActivity:
    """Change an activity; the history keeps what changed from what to what."""
    now = now or utcnow()
    activity = _activity(reference, activity_id, actor)
    before = _describe(activity)
    for name, value in _clean(values, today=now.date()).items():
        setattr(activity, name, value)
    after = _describe(activity)
    changes = "; ".join(
        f"{k}: {before[k] or '—'} → {after[k] or '—'}" for k in after if before[k] != after[k]
    )
    if changes:
        activity.updated_at = now
        _history(activity, "edited", changes[:5000], actor=actor, now=now)
    db.session.commit()
    return activity


def delete_activity(reference: str, activity_id: int, *, actor: User, now: datetime | None = None) -> None:
    """Take an activity out of the totals; the row and its history stay."""
    now = now or utcnow()
    activity = _activity(reference, activity_id, actor)
    activity.deleted_at = now
    summary = _describe(activity)
    _history(
        activity,
        "deleted",
        f"{summary['date']}: {summary['hours']} hours, {summary['mode']}",
        actor=actor,
        now=now,
    )
    db.session.commit()


def answer_survey(
    reference: str, form, *, actor: User, now: datetime | None = None
) -> tuple[SurveySubmission | None, dict[str, str]]:
    """The requester's organization answers the current post-request instrument once, after the
    request is closed. `form`: posted fields (or {code: value}). Returns (submission, {}) or
    (None, {code: message}) when an answer is refused; the submission keeps its version."""
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    if actor.role_enum != Role.REQUESTER:
        raise NotAllowed(_l("Only the requester's organization answers the survey."))
    if ta_request.stage != rules.Stage.CLOSED:
        raise DomainError(_l("The survey opens when the request is closed."))
    if survey_for(ta_request.id) is not None:
        raise Conflict(_l("This survey was already answered, thank you. Answers cannot be changed."))
    submission, errors = submit(
        POST_REQUEST,
        form,
        purpose=POST_REQUEST,
        ta_request_id=ta_request.id,
        respondent_id=actor.id,
        locale=recipient_locale(actor),
        now=now,
    )
    if errors:
        return None, errors
    emit(EventType.SURVEY_ANSWERED, ta_request, now=now)  # the answers stay in tacenter: read via the API
    try:
        db.session.commit()
    except IntegrityError:  # two answers at the same moment: the unique key keeps the first
        db.session.rollback()
        raise Conflict(
            _l("This survey was already answered, thank you. Answers cannot be changed.")
        ) from None
    return submission, {}
