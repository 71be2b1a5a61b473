"""Read-only queries of the triage page: its requests, and the staff for routing and the picker."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import Organization, User
from tacenter.catalog.models import GrantProgram
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import requests_in_scope
from tacenter.intake.table import RowPagination, paged, with_total
from tacenter.routing import engine, queries
from tacenter.routing.models import RoutingSettings, StaffProfile
from tacenter.routing.scoring import RequestFacts, StaffFacts
from tacenter.workflow.assignment import ASSIGNABLE_ROLES
from tacenter.workflow.rules import UNASSIGNED

# What the triage table and routing read, as plain rows: 25 ORM objects with their organization,
# program and topics cost more to build than the page's every query together.
TRIAGE_COLUMNS = (
    TARequest.id, TARequest.reference, TARequest.title, TARequest.version, TARequest.state, TARequest.tier,
    TARequest.program_id, TARequest.submitted_at, TARequest.needed_by,
    Organization.name.label("organization_name"), Organization.status.label("organization_status"),
    GrantProgram.name.label("program_name"),
)  # fmt: skip


def triage_query(role: str, organization_id: int | None, active: bool):
    """Unassigned open requests, oldest first, through the same scoping as every list."""
    return (
        requests_in_scope(role, organization_id, active)
        # is_open() adds nothing logically; it lets the planner walk the open-requests index.
        .where(TARequest.is_open(), TARequest.stage.in_([s.value for s in UNASSIGNED]))
        .where(TARequest.assignee_id.is_(None))
        .order_by(TARequest.submitted_at.asc(), TARequest.id.asc())
    )


@lru_cache(maxsize=64)
def _triage_selects(role: str, organization_id: int | None, active: bool) -> tuple:
    """The triage statement and its page's, per reader's scope (all that visible_requests reads
    of them): built once, not on every view (building them was a tenth of the page)."""
    query = triage_query(role, organization_id, active)
    rows = (
        query.with_only_columns(*TRIAGE_COLUMNS)
        .join(Organization, Organization.id == TARequest.organization_id)
        .outerjoin(GrantProgram, GrantProgram.id == TARequest.program_id)
    )
    return query, paged(with_total(rows, query))


def triage_page(actor: User, page: int, per_page: int) -> RowPagination:
    """One page of triage rows (TRIAGE_COLUMNS) and the total, in one query."""
    query, rows = _triage_selects(actor.role, actor.organization_id, actor.active)
    return RowPagination(
        select=rows, base=query, session=db.session(), page=page, per_page=per_page, error_out=False
    )


LOADS = engine.loads_subquery()
BACKUP = aliased(User, name="backup")
# Triage's two lists in one statement: the picker's (staff_options) and the routable people's
# (engine.STAFF: those with an active profile), in the same order.
TRIAGE_STAFF = (
    select(
        User.id, User.name, StaffProfile.capacity, LOADS.c.load, StaffProfile.user_id, StaffProfile.active,
        LOADS.c.open_count, BACKUP.name, StaffProfile.backup_user_id,
    )
    .outerjoin(StaffProfile, StaffProfile.user_id == User.id)
    .outerjoin(LOADS, LOADS.c.user_id == User.id)
    .outerjoin(BACKUP, BACKUP.id == StaffProfile.backup_user_id)
    .where(User.active, User.role.in_(ASSIGNABLE_ROLES))
    .order_by(User.name, User.id)
)  # fmt: skip


def triage_staff(settings: RoutingSettings) -> tuple[list[StaffFacts], list[tuple[int, str]]]:
    """The routable people (as engine.staff_facts reads them) and staff_options: one query."""
    facts, choices = [], []
    for uid, name, cap, load, profile, active, open_count, backup_name, backup_id in db.session.execute(
        TRIAGE_STAFF, engine.load_params(settings)
    ):
        choices.append(queries.option(uid, name, cap, load))
        if profile is not None and active:
            facts.append(StaffFacts(uid, name, float(cap), float(load or 0), int(open_count or 0), None,
                                    backup_name, backup_id))  # fmt: skip
    return facts, choices


def request_facts(row) -> RequestFacts:
    """What routing reads of a request (engine.REQUESTS), from a triage row."""
    return RequestFacts(
        row.id, row.reference, row.state, row.program_id, row.program_name, row.tier, row.needed_by,
        row.version,
    )  # fmt: skip
