"""Vetting self-registered organizations: approve one, or merge it into the one it really is.

Anyone may register, so a new organization is pending (accounts.services.register_requester)
until a lead looks at it. Its requests still reach triage, flagged, so no one waits on vetting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from tacenter.accounts.models import Organization, OrgStatus, User
from tacenter.catalog.cache import bump as bump_catalog_version
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.registry.models import Grant, OrganizationEvent
from tacenter.vocab import Role

VETTERS = (Role.LEAD, Role.ADMIN)


def _pending(org_id: int, actor: User) -> Organization:
    if actor.role_enum not in VETTERS:
        raise NotAllowed("Only leads and admins vet organizations.")
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("There is no such organization.")
    if org.status != OrgStatus.PENDING:
        raise DomainError(f"{org.name} is not waiting for approval.")
    return org


def _event(org_id: int, action: str, *, actor: User, now: datetime, other_id=None, note="") -> None:
    db.session.add(OrganizationEvent(organization_id=org_id, action=action, other_organization_id=other_id,
                                     actor_id=actor.id, note=note, created_at=now))  # fmt: skip


def approve_organization(org_id: int, *, actor: User, now: datetime | None = None) -> Organization:
    """A lead approves a pending organization: it becomes a recipient like any other."""
    now = now or utcnow()
    org = _pending(org_id, actor)
    org.status = OrgStatus.APPROVED.value
    _event(org.id, "approved", actor=actor, now=now)
    db.session.commit()
    return org


def merge_organization(
    org_id: int, into_id: int, *, actor: User, note: str = "", now: datetime | None = None
) -> Organization:
    """Merge a pending organization into an existing, approved one: its members, requests and
    grants move there, the requester becomes a member of it, and both keep a history row.

    The merged organization is kept (status merged, pointing at the other), not deleted, so
    old history that names it still resolves.
    """
    now = now or utcnow()
    org = _pending(org_id, actor)
    target = db.session.get(Organization, into_id)
    if target is None or target.id == org.id or target.status != OrgStatus.APPROVED:
        raise DomainError("Choose an approved organization to merge into.")
    db.session.execute(update(User).where(User.organization_id == org.id).values(organization_id=target.id))
    # The version bump makes anyone editing a moved request at this moment reload it.
    db.session.execute(
        update(TARequest)
        .where(TARequest.organization_id == org.id)
        .values(organization_id=target.id, version=TARequest.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(Grant).where(Grant.organization_id == org.id).values(organization_id=target.id))
    bump_catalog_version(db.session)  # a bulk UPDATE passes the ORM's watch: the grant lists changed
    org.status = OrgStatus.MERGED.value
    org.merged_into_id = target.id
    _event(org.id, "merged_into", actor=actor, now=now, other_id=target.id, note=note.strip())
    _event(target.id, "merged_from", actor=actor, now=now, other_id=org.id, note=note.strip())
    db.session.commit()
    db.session.expire_all()  # members and requests loaded before the merge point elsewhere now
    return target


def pending_organizations() -> list[tuple[Organization, int, int]]:
    """Pending organizations, oldest first, with how many members and requests each has."""
    from sqlalchemy import func

    members = select(func.count(User.id)).where(User.organization_id == Organization.id).scalar_subquery()
    requests = (
        select(func.count(TARequest.id)).where(TARequest.organization_id == Organization.id).scalar_subquery()
    )
    query = (
        select(Organization, members, requests)
        .where(Organization.status == OrgStatus.PENDING)
        .order_by(Organization.created_at, Organization.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def merge_targets() -> list[tuple[int, str]]:
    """Approved organizations a pending one may be merged into, for the picker."""
    query = select(Organization.id, Organization.name).where(Organization.status == OrgStatus.APPROVED)
    return [tuple(row) for row in db.session.execute(query.order_by(Organization.name))]
