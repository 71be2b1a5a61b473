"""A request opened by the center for an organization (e.g. a collaborative member's individualized
TA), rather than submitted by one of its requesters."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import Topic
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.vocab import STAFF_SIDE, DeliveryMode, Role, Tier
from tacenter.workflow.rules import INITIAL
from tacenter.workflow.services import record_initial_stage


def open_request_for_organization(
    organization_id: int,
    *,
    title: str,
    description: str,
    topic_ids: list[int],
    actor: User,
    tier: str = Tier.INTENSIVE.value,
    preferred_mode: str = DeliveryMode.PEER_LEARNING.value,
    now: datetime | None = None,
) -> TARequest:
    """Open a request on an organization's behalf, in the caller's transaction (it flushes, the
    caller commits). Its requester is the organization's first active requester, so the
    organization's people follow it as their own; the staff member opening it when it has none."""
    if actor.role_enum not in STAFF_SIDE:
        raise NotAllowed("Only the center's staff open requests for an organization.")
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise DomainError("Choose an organization from the list.")
    now = now or utcnow()
    requester_id = db.session.scalar(
        select(User.id)
        .where(User.organization_id == organization_id, User.role == Role.REQUESTER.value, User.active)
        .order_by(User.id)
        .limit(1)
    )
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids or [-1]))))
    ta_request = TARequest(
        submission_token="onbehalf-" + secrets.token_hex(16),
        title=title.strip()[:200],
        description=description.strip(),
        topics=topics,
        state=organization.state,
        tier=tier,
        preferred_mode=preferred_mode,
        requester_id=requester_id or actor.id,
        organization_id=organization_id,
        stage=INITIAL.value,
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(ta_request)
    db.session.flush()
    ta_request.reference = f"TA-{now.year}-{ta_request.id:04d}"
    record_initial_stage(ta_request, actor=actor, now=now)
    return ta_request
