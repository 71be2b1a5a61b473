"""Submitting a TA request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.catalog.queries import active_ids
from tacenter.db import commit_keeping_loaded, utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import may_submit
from tacenter.intake.writing import insert_request
from tacenter.notifications.bulk import Notice, notify_all
from tacenter.notifications.services import leads_and_modes
from tacenter.registry.grants import check_grant
from tacenter.routing.engine import settings_for_reading, settings_values
from tacenter.routing.models import RoutingMode
from tacenter.routing.services import route_new_request
from tacenter.vocab import STATES, DeliveryMode, Tier, Urgency
from tacenter.webhooks.events import EventType, emit
from tacenter.workflow.rules import INITIAL
from tacenter.workflow.services import record_initial_stage


@dataclass
class RequestDraft:
    """What a requester typed; shape already checked by the form."""

    title: str
    description: str
    desired_outcome: str
    topic_ids: list[int]
    state: str
    tier: str = Tier.TARGETED.value
    urgency: str = Urgency.ROUTINE.value
    preferred_mode: str = DeliveryMode.VIRTUAL_MEETING.value
    program_id: int | None = None
    needed_by: date | None = None
    grant_id: int | None = None  # one of the organization's grants (tacenter.registry)


def _check(draft: RequestDraft, today: date) -> list[int]:
    if draft.state not in STATES:
        raise DomainError(_l("Choose a state or territory from the list."))
    Tier(draft.tier), Urgency(draft.urgency), DeliveryMode(draft.preferred_mode)
    if draft.needed_by and draft.needed_by < today:
        raise DomainError(_l("The needed-by date is in the past."))
    # Active topics and programs from this process's copy of the catalog (catalog/cache.py).
    topic_ids = sorted(set(draft.topic_ids))
    if not topic_ids or not set(topic_ids) <= active_ids(Topic):
        raise DomainError(_l("Choose at least one topic from the list."))
    if (
        draft.program_id is not None
        and draft.program_id not in active_ids(GrantProgram)
        and not db.session.get(GrantProgram, draft.program_id)  # an inactive one was accepted too
    ):
        raise DomainError(_l("Choose a program from the list."))
    return topic_ids


def _already_submitted(submission_token: str, actor: User) -> TARequest:
    """The request this form already made (the unique token, not a read before every insert,
    tells: the common case pays nothing for the rare one)."""
    existing = db.session.scalar(select(TARequest).where(TARequest.submission_token == submission_token))
    if existing is None:  # the insert failed for another reason
        raise DomainError(_l("The request could not be saved. Try again."))
    if existing.requester_id != actor.id:
        raise DomainError(_l("This form was already used. Reload the page and try again."))
    return existing


def submit_request(
    draft: RequestDraft, *, submission_token: str, actor: User, now: datetime | None = None
) -> TARequest:
    """A requester submits a request for their organization.

    Idempotent per `submission_token`: a double-click or a retried POST returns the
    request the first one made. Tells the requester it was received.
    """
    if not may_submit(actor):
        raise NotAllowed(_l("Only requesters can submit TA requests."))
    now = now or utcnow()
    topic_ids = _check(draft, now.date())
    grant = check_grant(draft.grant_id, actor.organization_id)
    # Every read before the first write; then Core INSERTs, no unit of work but routing's.
    leads, modes = leads_and_modes(actor.id)
    routing_mode = settings_values()["mode"]  # a copy kept per process
    values = {
        "submission_token": submission_token,
        "title": draft.title.strip(),
        "description": draft.description.strip(),
        "desired_outcome": (draft.desired_outcome or "").strip(),
        # A request about a grant is about that grant's program.
        "program_id": grant.program_id if grant else draft.program_id,
        "grant_id": grant.id if grant else None,
        "state": draft.state,
        "tier": draft.tier,
        "urgency": draft.urgency,
        "needed_by": draft.needed_by,
        "preferred_mode": draft.preferred_mode,
        "requester_id": actor.id,
        "organization_id": actor.organization_id,
        "stage": INITIAL.value,
        "submitted_at": now,
        "created_at": now,
        "updated_at": now,
    }
    try:  # one INSERT, its reference included (writing.py), and one of its topics
        ta_request = insert_request(values, year=now.year, topic_ids=topic_ids, requester=actor)
    except IntegrityError:  # the token was used: a double-click, a retried POST, another worker
        db.session.rollback()
        return _already_submitted(submission_token, actor)
    record_initial_stage(ta_request, actor=actor, now=now)
    emit(EventType.REQUEST_SUBMITTED, ta_request, now=now)  # webhooks: in this transaction
    # The receipt and the leads' notices: one INSERT of notices and one of emails, which the
    # worker renders when it sends them.
    receipt = _l("We received your request %(reference)s.", reference=ta_request.reference)
    notices = [Notice(actor, "request_received", receipt, modes[actor.id])]
    if routing_mode == RoutingMode.AUTO.value:
        # Auto-assign in this same transaction, after the receipt, so the outbox holds "received"
        # before "assigned". Routing reports to the leads.
        notify_all(notices, ta_request_id=ta_request.id, now=now)
        notices = []
        route_new_request(ta_request, now=now, settings=settings_for_reading())
        db.session.flush()  # routing's notices before the leads'
    if ta_request.assignee_id is None:  # someone must triage it
        notice = f"New request {ta_request.reference}: {ta_request.title}"
        notices += [Notice(lead, "new_request", notice, modes[lead.id]) for lead in leads]
    notify_all(notices, ta_request_id=ta_request.id, now=now)
    commit_keeping_loaded(db.session)
    return ta_request
