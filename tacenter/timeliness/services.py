"""Admin use case: set the timeliness target for one tier and urgency."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.timeliness.models import TimelinessTarget
from tacenter.vocab import Role, Tier, Urgency

MAX_DAYS = 365


def set_target(
    tier: str,
    urgency: str,
    *,
    first_response_days: int,
    assignment_days: int,
    delivery_days: int,
    actor: User,
) -> TimelinessTarget:
    """Admins only. First response cannot come after assignment, nor assignment after delivery."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed("Only admins can change the timeliness targets.")
    if tier not in Tier.__members__.values() or urgency not in Urgency.__members__.values():
        raise DomainError("Unknown tier or urgency.")
    days = (first_response_days, assignment_days, delivery_days)
    if any(d < 0 or d > MAX_DAYS for d in days):
        raise DomainError(f"Each target must be between 0 and {MAX_DAYS} business days.")
    if not first_response_days <= assignment_days <= delivery_days:
        raise DomainError("First response must come no later than assignment, and assignment than delivery.")
    row = db.session.scalar(
        select(TimelinessTarget).where(TimelinessTarget.tier == tier, TimelinessTarget.urgency == urgency)
    )
    if row is None:
        row = TimelinessTarget(tier=tier, urgency=urgency)
        db.session.add(row)
    row.first_response_days, row.assignment_days, row.delivery_days = days
    record_event(
        Action.SETTINGS_CHANGED,
        actor=actor,
        object_type="timeliness_target",
        object_ref=f"{tier}/{urgency}",
        detail="days: {}/{}/{}".format(*days),
    )
    db.session.commit()
    return row
