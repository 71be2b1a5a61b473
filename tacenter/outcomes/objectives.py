"""Measurable objectives under the goals of a TA plan, and their history.

Staff who work the request add objectives and move them (not started, in progress, met, not met,
dropped) with progress notes and evidence; the requester's follow-up answer can mark one met.
`_apply` is the one writer of an objective's status: every change leaves an ObjectiveChange.
A collaborative member's linked request has its own plan, so members' objectives work the same.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.delivery.models import PlanGoal
from tacenter.delivery.plans import _planned
from tacenter.delivery.services import may_work
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.outcomes.models import ObjectiveChange, ObjectiveStatus, PlanObjective
from tacenter.workflow.services import get_visible_request

STATUSES = frozenset(s.value for s in ObjectiveStatus)


def _apply(
    objective: PlanObjective,
    status: str,
    *,
    note: str,
    evidence: str,
    actor_id: int | None,
    submission_id: int | None,
    now: datetime,
) -> None:
    if status not in STATUSES:
        raise DomainError("Choose a status.")
    note, evidence = (note or "").strip()[:5000], (evidence or "").strip()[:5000]
    if status == objective.status and not note and not evidence:
        return
    objective.status = status
    if evidence:
        objective.evidence = evidence
    objective.updated_at = now
    db.session.add(
        ObjectiveChange(
            objective_id=objective.id,
            ta_request_id=objective.ta_request_id,
            actor_id=actor_id,
            submission_id=submission_id,
            status=status,
            note=note,
            evidence=evidence,
            created_at=now,
        )
    )


def add_objective(
    reference: str,
    goal_id: int,
    description: str,
    *,
    target_date: date | None,
    actor: User,
    now: datetime | None = None,
) -> PlanObjective:
    """Add a measurable objective under a goal of an intensive request's plan."""
    now = now or utcnow()
    ta_request = _planned(reference, actor)
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.ta_request_id != ta_request.id:
        raise DomainError("Choose a goal of this plan.")
    description = (description or "").strip()
    if not description:
        raise DomainError("Describe the objective.")
    objective = PlanObjective(
        ta_request_id=ta_request.id,
        goal_id=goal.id,
        description=description[:2000],
        target_date=target_date,
        status=ObjectiveStatus.NOT_STARTED.value,
        created_at=now,
        updated_at=now,
    )
    db.session.add(objective)
    db.session.flush()
    _apply(
        objective,
        objective.status,
        note="Objective set",
        evidence="",
        actor_id=actor.id,
        submission_id=None,
        now=now,
    )
    db.session.commit()
    return objective


def update_objective(
    reference: str,
    objective_id: int,
    status: str,
    *,
    note: str = "",
    evidence: str = "",
    actor: User,
    now: datetime | None = None,
) -> PlanObjective:
    """Staff move an objective or add a progress note; marking it met or not met wants evidence
    or a note. Allowed on a closed request too: outcomes come after the help."""
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    if not may_work(ta_request, actor):
        raise NotAllowed("Only the assigned TA staff member or a lead can update objectives.")
    objective = db.session.get(PlanObjective, objective_id)
    if objective is None or objective.ta_request_id != ta_request.id:
        raise NotFound("There is no such objective on this request.")
    if status in (ObjectiveStatus.MET, ObjectiveStatus.NOT_MET) and not (note.strip() or evidence.strip()):
        raise DomainError("Say what shows it: a progress note or evidence.")
    _apply(objective, status, note=note, evidence=evidence, actor_id=actor.id, submission_id=None, now=now)
    db.session.commit()
    return objective


def mark_met_by_follow_up(
    ta_request_id: int,
    objective_ids: list[int],
    *,
    evidence: str,
    submission_id: int,
    actor_id: int,
    now: datetime,
) -> int:
    """The requester's follow-up answer marks these objectives met (in the caller's transaction)."""
    count = 0
    for objective in db.session.scalars(
        select(PlanObjective).where(
            PlanObjective.ta_request_id == ta_request_id, PlanObjective.id.in_(objective_ids)
        )
    ):
        if objective.status in (ObjectiveStatus.MET, ObjectiveStatus.DROPPED):
            continue
        _apply(
            objective,
            ObjectiveStatus.MET.value,
            note="Marked met in the requester's follow-up",
            evidence=evidence,
            actor_id=actor_id,
            submission_id=submission_id,
            now=now,
        )
        count += 1
    return count


def objectives_for(ta_request_id: int) -> list[PlanObjective]:
    return list(
        db.session.scalars(
            select(PlanObjective)
            .where(PlanObjective.ta_request_id == ta_request_id)
            .order_by(PlanObjective.id)
        )
    )


def history_for(ta_request_id: int) -> list[ObjectiveChange]:
    return list(
        db.session.scalars(
            select(ObjectiveChange)
            .where(ObjectiveChange.ta_request_id == ta_request_id)
            .order_by(ObjectiveChange.created_at, ObjectiveChange.id)
        )
    )
