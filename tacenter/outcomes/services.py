"""The requester answers a follow-up: the one writer of a follow-up's answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import Conflict, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.files.services import clean_filename
from tacenter.group_ta.models import Event
from tacenter.i18n import lazy_gettext as _l
from tacenter.i18n import recipient_locale
from tacenter.intake.models import TARequest
from tacenter.outcomes.evidence import check_evidence, store_evidence
from tacenter.outcomes.models import FollowUp
from tacenter.outcomes.objectives import mark_met_by_follow_up
from tacenter.surveys.answers import submit
from tacenter.surveys.defaults import FOLLOW_UP
from tacenter.surveys.models import SurveySubmission
from tacenter.vocab import Role
from tacenter.workflow.services import get_visible_request


def follow_up_of(reference: str, days: int, *, actor: User) -> tuple[TARequest, FollowUp]:
    """The request (as `actor` may see it) and its follow-up of `days`; NotFound otherwise."""
    ta_request = get_visible_request(reference, actor=actor)
    follow_up = db.session.scalar(
        select(FollowUp).where(FollowUp.ta_request_id == ta_request.id, FollowUp.window_days == days)
    )
    if follow_up is None:
        raise NotFound(_l("There is no follow-up for this request at this time."))
    return ta_request, follow_up


def _submit(follow_up: FollowUp, form, uploads, *, ta_request_id, actor: User, now: datetime):
    """The answer and its evidence file checked together: (submission, checked file, {}) or
    (None, [], every error of the items and the file) with nothing kept."""
    checked, file_errors = check_evidence(list(uploads))
    submission, errors = submit(
        FOLLOW_UP,
        form,
        purpose=follow_up.purpose,
        ta_request_id=ta_request_id,
        respondent_id=actor.id,
        locale=recipient_locale(actor),
        now=now,
    )
    if errors or file_errors:
        db.session.rollback()
        return None, [], errors | file_errors
    return submission, checked, {}


def answer_follow_up(
    reference: str, days: int, form, uploads=(), *, actor: User, now: datetime | None = None
) -> tuple[SurveySubmission | None, dict[str, str]]:
    """The requester's organization answers a sent follow-up once, before it lapses, with an
    optional evidence file; the answer may mark objectives of the plan met (`objective-met` ids),
    with the answer's evidence."""
    now = now or utcnow()
    ta_request, follow_up = follow_up_of(reference, days, actor=actor)
    if actor.role_enum != Role.REQUESTER:
        raise NotAllowed(_l("Only the requester's organization answers the follow-up."))
    if follow_up.answered_at is not None:
        raise Conflict(_l("This follow-up was already answered, thank you."))
    if follow_up.lapsed_at is not None:
        raise Conflict(_l("This follow-up has closed."))
    submission, checked, errors = _submit(
        follow_up, form, uploads, ta_request_id=ta_request.id, actor=actor, now=now
    )
    if errors:
        return None, errors
    db.session.flush()
    follow_up.answered_at, follow_up.submission_id = now, submission.id
    store_evidence(follow_up, checked, actor=actor, now=now)
    met = [int(v) for v in (form.getlist("objective-met") if hasattr(form, "getlist") else []) if v.isdigit()]
    if met:
        evidence = " ".join(
            [str(submission.value(code) or "") for code in ("evidence_note", "evidence_link")]
            + [clean_filename(upload.filename) for upload, _mime in checked]
        ).strip()
        mark_met_by_follow_up(
            ta_request.id, met, evidence=evidence, submission_id=submission.id, actor_id=actor.id, now=now
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("This follow-up was already answered, thank you.")) from None
    return submission, {}


def event_follow_up_of(event_id: int, days: int, *, actor: User) -> tuple[Event, FollowUp]:
    """The event and `actor`'s own follow-up of it for `days`; NotFound otherwise (another
    contact's follow-up is not theirs to see)."""
    follow_up = db.session.scalar(
        select(FollowUp).where(
            FollowUp.event_id == event_id, FollowUp.contact_id == actor.id, FollowUp.window_days == days
        )
    )
    if follow_up is None:
        raise NotFound(_l("There is no follow-up for this event at this time."))
    return db.session.get(Event, event_id), follow_up


def answer_event_follow_up(
    event_id: int, days: int, form, uploads=(), *, actor: User, now: datetime | None = None
) -> tuple[SurveySubmission | None, dict[str, str]]:
    """The contact answers their follow-up of an event once, before it lapses, with an optional
    evidence file."""
    now = now or utcnow()
    _event, follow_up = event_follow_up_of(event_id, days, actor=actor)
    if follow_up.answered_at is not None:
        raise Conflict(_l("This follow-up was already answered, thank you."))
    if follow_up.lapsed_at is not None:
        raise Conflict(_l("This follow-up has closed."))
    submission, checked, errors = _submit(follow_up, form, uploads, ta_request_id=None, actor=actor, now=now)
    if errors:
        return None, errors
    submission.event_id = event_id
    db.session.flush()
    follow_up.answered_at, follow_up.submission_id = now, submission.id
    store_evidence(follow_up, checked, actor=actor, now=now)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("This follow-up was already answered, thank you.")) from None
    return submission, {}
