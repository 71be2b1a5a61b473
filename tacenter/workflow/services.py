"""Moving requests through the workflow (assignment is in assignment.py).

`_move` is the only writer of `TARequest.stage`. Every change is checked against
rules.TRANSITIONS, recorded as a StageChange, guarded by the request's version
(optimistic locking) and tells the requester, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask_babel.speaklater import LazyString
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import requests_in_scope
from tacenter.notifications.models import Notification
from tacenter.notifications.services import notify
from tacenter.timeliness import milestones
from tacenter.vocab import GoalMet
from tacenter.webhooks.events import EventType, emit
from tacenter.workflow import rules
from tacenter.workflow.models import StageChange

_REFERENCE = bindparam("reference")


@lru_cache(maxsize=64)
def _by_reference(role: str, organization_id: int | None, active: bool, lazy_topics: bool):
    """A visible request (visible_requests) by its reference (bind `reference`), kept per scope."""
    query = requests_in_scope(role, organization_id, active).where(TARequest.reference == _REFERENCE)
    return query.options(lazyload(TARequest.topics)) if lazy_topics else query


def get_visible_request(reference: str, *, actor: User, lazy_topics: bool = False) -> TARequest:
    """The request if `actor` may see it, else NotFound (`lazy_topics`: the page reads them)."""
    ta_request = None
    if actor is not None and actor.is_authenticated:
        statement = _by_reference(actor.role, actor.organization_id, actor.active, lazy_topics)
        ta_request = db.session.scalar(statement, {"reference": reference})
    if ta_request is None:
        raise NotFound(_l("There is no request with that reference that you can see."))
    return ta_request


def record_initial_stage(ta_request: TARequest, *, actor: User, now: datetime) -> None:
    """The history's first entry, for a request already written (it has its id). A Core INSERT
    in the caller's transaction: nothing reads the row back, so the unit of work is waste."""
    db.session.connection().execute(
        _FIRST_STAGE,
        {"ta_request_id": ta_request.id, "from_stage": None, "to_stage": ta_request.stage,
         "actor_id": actor.id, "created_at": now},
    )  # fmt: skip


_FIRST_STAGE = insert(StageChange.__table__)  # built once: it keeps its cache key


def _check_version(ta_request: TARequest, expected_version: int | None) -> None:
    if expected_version is not None and ta_request.version != expected_version:
        raise Conflict(
            "This request was changed by someone else since you opened it. "
            "Review the latest version below and try again."
        )


def _touch(ta_request: TARequest, now: datetime) -> None:
    """Stamp the last activity with the injected time. flag_modified keeps it in the UPDATE
    even when unchanged since the last flush, so the column's wall-clock onupdate never wins."""
    ta_request.updated_at = now
    flag_modified(ta_request, "updated_at")


def _flush() -> None:
    """Write pending changes now, so a concurrent writer's version bump surfaces here."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            "This request was changed by someone else at the same moment. "
            "Review the latest version below and try again."
        ) from None


def _move(
    ta_request: TARequest,
    transition: rules.Transition,
    *,
    actor: User | None,
    note: str,
    now: datetime,
    assignee_told: bool = False,
) -> None:
    """The only writer of stage: record it and tell the requester and the assignee (notify
    leaves out whoever made the move; `assignee_told` when the caller's own notice to the
    assignee already says it). `actor` None is the system. Caller commits."""
    source = ta_request.stage
    ta_request.stage = transition.target.value
    _touch(ta_request, now)
    # A move by staff, or by the center itself (automatic routing, the system), is a response.
    by_staff = actor is None or actor.is_staff_side
    milestones.record_stage(ta_request, source, transition.target.value, by_staff=by_staff, now=now)
    _flush()
    db.session.add(
        StageChange(
            ta_request_id=ta_request.id,
            from_stage=source,
            to_stage=transition.target.value,
            actor_id=actor.id if actor else None,
            note=note,
            created_at=now,
        )
    )
    emit(EventType.REQUEST_STAGE_CHANGED, ta_request, now=now, extra={"from_stage": source})
    if transition.target == rules.Stage.CLOSED:
        emit(EventType.REQUEST_CLOSED, ta_request, now=now)
    # Lazy: each recipient reads the stage in their own language (notify writes it).
    stage = LazyString(lambda: transition.target.label)
    message = _l(
        "%(reference)s is now %(stage)s.",
        reference=ta_request.reference,
        stage=LazyString(lambda: stage.lower()),
    )
    context = {"note": note, "stage": stage}
    notify(ta_request.requester, "stage_changed", message, ta_request=ta_request, context=context,
           actor=actor, now=now)  # fmt: skip
    told_otherwise = assignee_told or transition.by_assignment  # e.g. the new assignee's "assigned"
    if ta_request.assignee and not told_otherwise:
        notify(ta_request.assignee, "stage_changed", message, ta_request=ta_request, context=context,
               actor=actor, now=now)  # fmt: skip


def allowed_transitions(ta_request: TARequest, actor: User) -> list[rules.Transition]:
    """Transitions `actor` may make now from the stage form (not those made by assigning)."""
    return [
        t
        for t in rules.transitions_from(ta_request.stage)
        if not t.by_assignment
        and rules.may_make(
            t,
            actor.role_enum,
            is_assignee=ta_request.assignee_id == actor.id,
            is_own_organization=ta_request.organization_id == actor.organization_id,
        )
    ]


def apply_transition(
    ta_request: TARequest,
    target: str,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime,
) -> None:
    """Check that `actor` may move `ta_request` to `target` now, then move it. Caller commits.

    Other features (a requester's answer, a question to the requester) move stages
    through here, so the table in rules.py is the only judge.
    """
    _check_version(ta_request, expected_version)  # first: a stale form's move may no longer exist
    transition = rules.find_transition(ta_request.stage, target)
    if transition is None or transition.by_assignment:
        raise InvalidTransition(
            f"A request cannot go from {rules.Stage(ta_request.stage).label} to that stage."
        )
    if transition not in allowed_transitions(ta_request, actor):
        raise NotAllowed("You are not allowed to make that change on this request.")
    if transition.note_required and not note:
        raise DomainError("Add a note saying why.")
    if transition.source in rules.FINISHED:
        # Reopened: the old outcome no longer describes it.
        ta_request.goal_met = None
        ta_request.outcome_summary = ""
    _move(ta_request, transition, actor=actor, note=note, now=now)


def change_stage(
    reference: str,
    target: str,
    *,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TARequest:
    """Move a request to `target` if the workflow allows `actor` to."""
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    _check_version(ta_request, expected_version)
    transition = rules.find_transition(ta_request.stage, target)
    if transition is not None and transition.target in (rules.Stage.CLOSED, rules.Stage.REFERRED):
        # close_request / refer_request carry the outcome or the provider; a bare move would lose them.
        raise DomainError("Closing needs an outcome and referring needs a provider: fill them in.")
    apply_transition(
        ta_request, target, actor=actor, note=note.strip(), expected_version=expected_version, now=now
    )
    if target == rules.Stage.DECLINED:
        ta_request.closing_reason = note.strip()
    db.session.commit()
    return ta_request


def close_request(
    reference: str,
    *,
    goal_met: str,
    outcome_summary: str,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TARequest:
    """Delivered → closed, with the outcome (was the goal met, and a summary) stored on the request.

    The requester is then invited to the satisfaction survey.
    """
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    if goal_met not in {g.value for g in GoalMet}:
        raise DomainError("Say whether the requester's goal was met.")
    if not outcome_summary.strip():
        raise DomainError("Summarize the outcome before closing.")
    apply_transition(
        ta_request,
        rules.Stage.CLOSED,
        actor=actor,
        note=note.strip(),
        expected_version=expected_version,
        now=now,
    )
    ta_request.goal_met = goal_met
    ta_request.outcome_summary = outcome_summary.strip()
    invited = db.session.scalar(
        select(Notification.id).where(
            Notification.ta_request_id == ta_request.id, Notification.kind == "survey_requested"
        )
    )
    if invited is None:  # the survey is answered once per request: a re-close does not ask again
        notify(
            ta_request.requester,
            "survey_requested",
            _l("How did we do on %(reference)s? Two minutes of feedback.", reference=ta_request.reference),
            ta_request=ta_request,
            actor=actor,
            now=now,
        )
    db.session.commit()
    return ta_request


def _end_with_reason(
    reference: str,
    stage: rules.Stage,
    reason: str,
    *,
    actor: User,
    referred_to: str = "",
    expected_version: int | None,
    now: datetime | None,
) -> TARequest:
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    apply_transition(ta_request, stage, actor=actor, note=reason.strip(), expected_version=expected_version,
                     now=now)  # fmt: skip
    ta_request.closing_reason = reason.strip()
    ta_request.referred_to = referred_to.strip()[:200]
    db.session.commit()
    return ta_request


def decline_request(reference: str, *, reason: str, actor: User, expected_version: int | None = None,
                    now: datetime | None = None) -> TARequest:  # fmt: skip
    """Decline a request, with the reason kept on it and sent to the requester."""
    return _end_with_reason(reference, rules.Stage.DECLINED, reason, actor=actor,
                            expected_version=expected_version, now=now)  # fmt: skip


def refer_request(reference: str, *, reason: str, referred_to: str, actor: User,
                  expected_version: int | None = None, now: datetime | None = None) -> TARequest:  # fmt: skip
    """Refer a request to another TA provider: where to, and why, both required."""
    if not referred_to.strip():
        raise DomainError("Say which TA provider the request is referred to.")
    return _end_with_reason(reference, rules.Stage.REFERRED, reason, actor=actor, referred_to=referred_to,
                            expected_version=expected_version, now=now)  # fmt: skip
