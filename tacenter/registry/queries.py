"""Reach against the roster: the one place the dashboard and the reach report read it from.

For a program and a period, the roster is the organizations holding a grant of that
program whose project period overlaps the period (merged organizations' grants moved
with them). Of those:
- requested: submitted at least one request in the period;
- received: got TA in the period: a TA activity dated in it (deleted ones excluded), a
  request delivered in it, or a group TA event delivered in it that the organization attended;
- none: on the roster and received no TA in the period (listed by name).
TA to an organization counts for every program it holds a grant of: requests rarely say
which grant they serve, and a center's help to a grantee serves all of its grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.catalog.models import GrantProgram
from tacenter.extensions import db
from tacenter.group_ta import counting
from tacenter.intake.models import TARequest
from tacenter.registry.models import Grant


@dataclass
class ProgramReach:
    program_id: int
    program: str
    roster: int = 0
    requested: int = 0
    received: int = 0
    not_reached: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, state)

    @property
    def none(self) -> int:
        return len(self.not_reached)

    def share(self, count: int) -> int | None:
        """`count` as a whole percentage of the roster (None for an empty roster)."""
        return round(100 * count / self.roster) if self.roster else None


def reach(start: date, end: date, *, tz: str, program_id: int | None = None) -> list[ProgramReach]:
    """Reach per program for the period start..end (inclusive dates, in the center's zone)."""
    from tacenter.reports.periods import Period

    lo, hi = Period(start, end, "").bounds(tz)
    roster_query = (
        select(Grant.program_id, GrantProgram.name, Organization.id, Organization.name, Organization.state)
        .join(GrantProgram, GrantProgram.id == Grant.program_id)
        .join(Organization, Organization.id == Grant.organization_id)
        .where(Grant.project_start <= end, Grant.project_end >= start)
        .distinct()
    )
    if program_id is not None:
        roster_query = roster_query.where(Grant.program_id == program_id)
    roster = db.session.execute(roster_query).all()
    org_ids = select(Grant.organization_id).where(Grant.project_start <= end, Grant.project_end >= start)
    requested = set(
        db.session.scalars(
            select(TARequest.organization_id)
            .where(TARequest.submitted_at >= lo, TARequest.submitted_at < hi)
            .where(TARequest.organization_id.in_(org_ids))
            .distinct()
        )
    )
    # Requests' TA and group TA events alike (tacenter.group_ta.counting: the one definition).
    reached = counting.reached_org_ids(counting.Scope(start, end), lo, hi).subquery()
    received = set(db.session.scalars(select(reached.c[0]).where(reached.c[0].in_(org_ids)).distinct()))
    by_program: dict[int, ProgramReach] = {}
    for prog_id, prog_name, org_id, org_name, state in roster:
        row = by_program.setdefault(prog_id, ProgramReach(prog_id, prog_name))
        row.roster += 1
        row.requested += org_id in requested
        if org_id in received:
            row.received += 1
        else:
            row.not_reached.append((org_id, org_name, state))
    for row in by_program.values():
        row.not_reached.sort(key=lambda org: org[1].lower())
    return sorted(by_program.values(), key=lambda row: row.program.lower())
