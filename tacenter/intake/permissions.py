"""Who may see which TA request: one scoping query for every list and detail page."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from tacenter.accounts.models import User
from tacenter.intake.models import TARequest
from tacenter.vocab import STAFF_SIDE, Role


def visible_requests(actor: User) -> Select[tuple[TARequest]]:
    """Requests `actor` may read. Lists, counts, searches and detail pages all start here."""
    if actor is None or not actor.is_authenticated:
        return select(TARequest).where(false())
    return requests_in_scope(actor.role, actor.organization_id, actor.active)


def requests_in_scope(role: str, organization_id: int | None, active: bool) -> Select[tuple[TARequest]]:
    """visible_requests by what it reads of a signed-in reader: for a statement kept per scope."""
    query = select(TARequest)
    if not active:
        return query.where(false())
    role = Role(role)
    if role in STAFF_SIDE:
        return query
    if role == Role.REQUESTER and organization_id is not None:
        return query.where(TARequest.organization_id == organization_id)
    return query.where(false())


def may_submit(actor: User) -> bool:
    return actor.is_authenticated and actor.role_enum == Role.REQUESTER and actor.organization_id is not None
