"""Grants of an organization: what a requester picks a request's grant among."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.catalog.cache import cached
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.registry.models import Grant


def organization_grants(organization_id: int | None) -> list[Grant]:
    """The organization's grants, latest project period first."""
    if organization_id is None:
        return []
    query = select(Grant).where(Grant.organization_id == organization_id)
    return list(db.session.scalars(query.order_by(Grant.project_end.desc(), Grant.grant_number)))


def grant_choices(organization_id: int | None) -> list[tuple[int, str]]:
    """The request form's list, kept per process until a grant changes (catalog/cache.py)."""
    return list(
        cached(
            ("grants", organization_id),
            lambda: tuple((grant.id, grant.label) for grant in organization_grants(organization_id)),
        )
    )


def check_grant(grant_id: int | None, organization_id: int | None) -> Grant | None:
    """The grant a request names, which must be one of its organization's own."""
    if grant_id is None:
        return None
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.organization_id != organization_id:
        raise DomainError("Choose one of your organization's grants.")
    return grant
