"""Read-only queries over people and organizations for the admin pages."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from tacenter.accounts.models import Organization, User
from tacenter.vocab import Role


def users_query(q: str = "", role: str = "") -> Select[tuple[User]]:
    """Users by name; `role` is allow-listed against the Role vocabulary."""
    query = select(User).order_by(User.active.desc(), User.name, User.id)
    if role in Role.__members__.values():
        query = query.where(User.role == role)
    if q.strip():
        words = f"%{q.strip()[:200]}%"
        query = query.where(or_(User.name.ilike(words), User.email.ilike(words)))
    return query


def organizations_with_counts() -> Select:
    members = select(func.count(User.id)).where(User.organization_id == Organization.id).scalar_subquery()
    return select(Organization, members.label("members")).order_by(Organization.name)


def organization_choices() -> list[tuple[int, str]]:
    from tacenter.extensions import db

    return [(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]
