"""Routing use cases: auto-assign on submission, triage assignment, bulk assign, reassign.

Every assignment goes through `tacenter.workflow.assignment` (the only writer of stage);
these functions add the routing rules around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.notifications.services import notify
from tacenter.routing import engine
from tacenter.routing.models import RoutingMode, RoutingSettings
from tacenter.routing.scoring import why_no_one
from tacenter.vocab import Role
from tacenter.workflow import assignment
from tacenter.workflow import services as workflow

LEADS = (Role.LEAD, Role.ADMIN)


def _leads() -> list[User]:
    leads = list(db.session.scalars(select(User).where(User.role == Role.LEAD.value, User.active)))
    return leads or list(db.session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active)))


def _tell_leads(ta_request: TARequest, headline: str, message: str, details: list[str], now) -> None:
    for lead in _leads():
        notify(
            lead,
            "routing_report",
            message,
            ta_request=ta_request,
            context={"headline": headline, "details": details},
            now=now,
        )


def route_new_request(
    ta_request: TARequest, *, now: datetime, settings: RoutingSettings | None = None
) -> User | None:
    """On submission, in the caller's transaction: in auto mode give the request to the top
    candidate and tell the leads; if no one is eligible it stays for triage and the leads
    are told why. In suggest mode nothing happens here. Returns the assignee, if any."""
    settings = settings or engine.current_settings()
    if settings.mode != RoutingMode.AUTO.value:
        return None
    candidates = engine.rank_candidates(
        ta_request.id, today=now.date(), settings=settings, include_ineligible=True
    )
    eligible = [c for c in candidates if c.eligible]
    if not eligible:
        _tell_leads(
            ta_request,
            "no one could be assigned",
            f"{ta_request.reference} could not be assigned automatically: no one is eligible. "
            "It is waiting in triage.",
            why_no_one(candidates),
            now,
        )
        return None
    top = eligible[0]
    note = f"Routed automatically: {top.reason_text}."
    savepoint = db.session.begin_nested()
    try:
        assignment.apply_assignment(ta_request, top.user_id, actor=None, note=note, now=now)
        savepoint.commit()
    except DomainError as error:  # keep the submission; a lead assigns it at triage
        savepoint.rollback()
        _tell_leads(
            ta_request,
            "automatic assignment failed",
            f"{ta_request.reference} could not be assigned automatically: {error.message}",
            [],
            now,
        )
        return None
    _tell_leads(
        ta_request,
        f"assigned to {top.name}",
        f"{ta_request.reference} was assigned automatically to {top.name}.",
        [top.reason_text],
        now,
    )
    return db.session.get(User, top.user_id)


def reassign_request(
    reference: str,
    assignee_id: int,
    *,
    actor: User,
    note: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> TARequest:
    """Move an assigned request to someone else, with a note saying why (kept in the history;
    the previous and the new assignee are both told)."""
    if actor.role_enum not in LEADS:
        raise NotAllowed("Only leads can reassign requests.")
    if not note.strip():
        raise DomainError("Add a note saying why it is being reassigned.")
    ta_request = workflow.get_visible_request(reference, actor=actor)
    if ta_request.assignee_id is None:
        raise DomainError("This request has no one yet: assign it instead.")
    return assignment.assign_request(
        reference, assignee_id, actor=actor, note=note, expected_version=expected_version, now=now
    )


@dataclass
class BulkResult:
    reference: str
    ok: bool
    message: str


def bulk_assign(
    items: list[tuple[str, int | None]],
    assignee_id: int | None,
    *,
    actor: User,
    now: datetime | None = None,
) -> list[BulkResult]:
    """Assign several requests (reference, version seen) to one person, or each to its top
    suggestion when `assignee_id` is None. Each is its own transaction: one conflict does
    not undo the others, and each result says what happened."""
    if actor.role_enum not in LEADS:
        raise NotAllowed("Only leads can assign requests.")
    now = now or utcnow()
    results = []
    for reference, version in items:
        try:
            target = assignee_id
            if target is None:
                ta_request = workflow.get_visible_request(reference, actor=actor)
                ranked = engine.rank_candidates(ta_request.id, today=now.date())
                if not ranked:
                    raise DomainError("no one is eligible")
                target = ranked[0].user_id
            ta_request = assignment.assign_request(
                reference, target, actor=actor, expected_version=version, now=now
            )
            results.append(BulkResult(reference, True, f"assigned to {ta_request.assignee.name}"))
        except DomainError as error:
            db.session.rollback()
            results.append(BulkResult(reference, False, error.message))
    return results
