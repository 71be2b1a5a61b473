"""The TA plan of an intensive request: goals and planned activities with target dates and a status.

Shared with the requester (read-only for them); written by whoever works the request.
"""

from __future__ import annotations

from datetime import date, datetime

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.delivery.models import PlanChange, PlanGoal, PlanStep
from tacenter.delivery.services import _workable
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.vocab import PlanStatus, Tier


def _planned(reference: str, actor: User) -> TARequest:
    ta_request = _workable(reference, actor)
    if ta_request.tier != Tier.INTENSIVE:
        raise DomainError("TA plans are for intensive requests. Change the tier first.")
    return ta_request


def _record(
    ta_request: TARequest, action: str, detail: str, *, actor: User, now: datetime, status: str | None = None
) -> None:
    """Every plan change is kept for the timeline, in the change's transaction: as data, so each
    reader reads it in their own language (PlanChange.sentence)."""
    db.session.add(
        PlanChange(
            ta_request_id=ta_request.id,
            actor_id=actor.id,
            action=action,
            detail=detail[:200],
            status=status,
            created_at=now,
        )
    )


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Describe the {what}.")
    return value[:2000]


def add_goal(reference: str, description: str, *, actor: User, now: datetime | None = None) -> PlanGoal:
    """Add a goal to an intensive request's TA plan."""
    now = now or utcnow()
    ta_request = _planned(reference, actor)
    goal = PlanGoal(ta_request_id=ta_request.id, description=_text(description, "goal"), created_at=now)
    db.session.add(goal)
    _record(ta_request, "goal_added", goal.description, actor=actor, now=now)
    db.session.commit()
    return goal


def add_step(
    reference: str,
    description: str,
    *,
    target_date: date | None,
    goal_id: int | None,
    actor: User,
    now: datetime | None = None,
) -> PlanStep:
    """Add a planned activity (optionally under a goal of the same plan)."""
    now = now or utcnow()
    ta_request = _planned(reference, actor)
    if goal_id is not None:
        goal = db.session.get(PlanGoal, goal_id)
        if goal is None or goal.ta_request_id != ta_request.id:
            raise DomainError("Choose a goal of this plan.")
    step = PlanStep(
        ta_request_id=ta_request.id,
        goal_id=goal_id,
        description=_text(description, "planned activity"),
        target_date=target_date,
        status=PlanStatus.PLANNED.value,
        created_at=now,
    )
    db.session.add(step)
    _record(ta_request, "step_added", step.description, actor=actor, now=now)
    db.session.commit()
    return step


def set_step_status(
    reference: str, step_id: int, status: str, *, actor: User, now: datetime | None = None
) -> PlanStep:
    """Move a planned activity to planned, in progress, done or dropped."""
    now = now or utcnow()
    ta_request = _workable(reference, actor)
    step = db.session.get(PlanStep, step_id)
    if step is None or step.ta_request_id != ta_request.id:
        raise NotFound("There is no such planned activity on this request.")
    _planned(reference, actor)
    if status not in {s.value for s in PlanStatus}:
        raise DomainError("Choose a status.")
    if step.status != status:
        _record(ta_request, "step_status", step.description, status=status, actor=actor, now=now)
    step.status = status
    step.updated_at = now
    db.session.commit()
    return step
