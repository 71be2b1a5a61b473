"""Read-only queries behind each role's home page. Requests always come through visible_requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from tacenter.accounts.models import Organization, User
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.intake.table import first_rows
from tacenter.vocab import Role
from tacenter.workflow.models import StageChange
from tacenter.workflow.rules import OPEN_VALUES, UNASSIGNED, Stage

HOME_LIMIT = 10


def fiscal_year_start(now: datetime) -> datetime:
    """October 1 of the federal fiscal year containing `now` (FY2027 starts Oct 1, 2026)."""
    year = now.year if now.month >= 10 else now.year - 1
    return now.replace(year=year, month=10, day=1, hour=0, minute=0, second=0, microsecond=0)


def fiscal_year_label(now: datetime) -> str:
    return f"FY{fiscal_year_start(now).year + 1}"


def open_requests_of_organization(actor: User) -> tuple[list, int]:
    query = visible_requests(actor).where(TARequest.is_open()).order_by(TARequest.submitted_at.desc())
    return first_rows(query, HOME_LIMIT)


def caseload(actor: User) -> tuple[list, int]:
    """Open requests assigned to `actor`, soonest needed first."""
    query = (
        visible_requests(actor)
        .where(TARequest.assignee_id == actor.id, TARequest.is_open())
        .order_by(TARequest.needed_by.asc().nulls_last(), TARequest.submitted_at.asc())
    )
    return first_rows(query, HOME_LIMIT)


def unassigned_queue(actor: User) -> tuple[list, int]:
    """Requests waiting for a lead to assign them, oldest first."""
    query = (
        visible_requests(actor)
        .where(TARequest.assignee_id.is_(None), TARequest.stage.in_([s.value for s in UNASSIGNED]))
        .order_by(TARequest.submitted_at.asc())
    )
    return first_rows(query, HOME_LIMIT)


@dataclass(frozen=True)
class Headlines:
    fiscal_year: str
    received: int
    open: int
    closed: int
    unassigned: int


def headline_figures(actor: User, *, now: datetime | None = None) -> Headlines:
    """Received this fiscal year; closed this fiscal year (and still closed); open and unassigned now."""
    now = now or utcnow()
    start = fiscal_year_start(now)
    visible = visible_requests(actor).subquery()
    received = db.session.scalar(select(func.count()).where(visible.c.submitted_at >= start))
    open_now = db.session.scalar(select(func.count()).where(visible.c.stage.in_(OPEN_VALUES)))
    unassigned = db.session.scalar(
        select(func.count()).where(visible.c.stage.in_(OPEN_VALUES), visible.c.assignee_id.is_(None))
    )
    closed = db.session.scalar(
        select(func.count(func.distinct(StageChange.ta_request_id))).where(
            StageChange.to_stage == Stage.CLOSED.value,
            StageChange.created_at >= start,
            StageChange.ta_request_id.in_(select(visible.c.id).where(visible.c.stage == Stage.CLOSED.value)),
        )
    )
    return Headlines(fiscal_year_label(now), received or 0, open_now or 0, closed or 0, unassigned or 0)


def people_and_settings() -> dict:
    """Counts for the admin's home page."""
    counts = dict(
        db.session.execute(select(User.role, func.count()).where(User.active).group_by(User.role)).all()
    )
    by_role = [(role.label, counts.get(role.value, 0)) for role in Role]
    inactive = db.session.scalar(select(func.count()).where(User.active.is_(False)))
    organizations = db.session.scalar(select(func.count()).select_from(Organization))
    return {"by_role": by_role, "inactive": inactive or 0, "organizations": organizations or 0}
