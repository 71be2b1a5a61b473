"""Submitting a TA request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tacenter.accounts.models import User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.db import commit_keeping_loaded, utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import may_submit
from tacenter.notifications.services import leads_and_modes, notify
from tacenter.registry.grants import check_grant
from tacenter.routing.engine import settings_for_reading
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


def _check(draft: RequestDraft, today: date) -> list[Topic]:
    if draft.state not in STATES:
        raise DomainError(_l("Choose a state or territory from the list."))
    Tier(draft.tier), Urgency(draft.urgency), DeliveryMode(draft.preferred_mode)
    if draft.needed_by and draft.needed_by < today:
        raise DomainError(_l("The needed-by date is in the past."))
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(draft.topic_ids), Topic.active)))
    if not topics or len(topics) != len(set(draft.topic_ids)):
        raise DomainError(_l("Choose at least one topic from the list."))
    if draft.program_id is not None and not db.session.get(GrantProgram, draft.program_id):
        raise DomainError(_l("Choose a program from the list."))
    return topics


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
    topics = _check(draft, now.date())
    grant = check_grant(draft.grant_id, actor.organization_id)
    # Every read before the first write: one flush for the id, one at commit, no autoflushes.
    leads, modes = leads_and_modes(actor.id)
    routing_settings = settings_for_reading()  # a copy kept per process
    ta_request = TARequest(
        submission_token=submission_token,
        title=draft.title.strip(),
        description=draft.description.strip(),
        desired_outcome=(draft.desired_outcome or "").strip(),
        topics=topics,
        # A request about a grant is about that grant's program.
        program_id=grant.program_id if grant else draft.program_id,
        grant_id=grant.id if grant else None,
        state=draft.state,
        tier=draft.tier,
        urgency=draft.urgency,
        needed_by=draft.needed_by,
        preferred_mode=draft.preferred_mode,
        requester_id=actor.id,
        organization_id=actor.organization_id,
        stage=INITIAL.value,
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(ta_request)
    try:
        db.session.flush()
    except IntegrityError:  # the token was used: a double-click, a retried POST, another worker
        db.session.rollback()
        return _already_submitted(submission_token, actor)
    ta_request.reference = f"TA-{now.year}-{ta_request.id:04d}"
    record_initial_stage(ta_request, actor=actor, now=now)
    emit(EventType.REQUEST_SUBMITTED, ta_request, now=now)  # webhooks: in this transaction
    notify(
        actor,
        "request_received",
        _l("We received your request %(reference)s.", reference=ta_request.reference),
        ta_request=ta_request,
        mode=modes[actor.id],
        now=now,
        render_at_delivery=True,  # the worker renders the receipt when it sends it
    )
    # Auto-assign (when the center routes automatically) in this same transaction, after the
    # receipt, so the outbox holds "received" before "assigned". Routing reports to the leads.
    route_new_request(ta_request, now=now, settings=routing_settings)
    if ta_request.assignee_id is None:
        for lead in leads:  # someone must triage it
            notify(lead, "new_request", f"New request {ta_request.reference}: {ta_request.title}",
                   ta_request=ta_request, mode=modes[lead.id], now=now, render_at_delivery=True)  # fmt: skip
    commit_keeping_loaded(db.session)
    return ta_request
