"""Exporting every record in the shapes the import takes (records.columns): a CSV per kind
and one workbook with a sheet per kind, in a zip archive.

Export, import into an empty database, export again: the CSV files are identical (a test).
Rows without an external id get one made from their id (org-12), which the import keeps.
Text a spreadsheet would run as a formula (=, +, -, @ first) gets an apostrophe in front;
the import takes it off again.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import Organization, OrgStatus, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.delivery.models import TAActivity
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.records.columns import KINDS, ORDER
from tacenter.records.parsing import FORMULA_STARTS
from tacenter.registry.models import Grant


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | Decimal | int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _pairs(query) -> dict:
    return {row[0]: row[1] for row in db.session.execute(query)}


def _org_key(org_id: int | None, ext: str | None) -> str:
    return ext or (f"org-{org_id}" if org_id else "")


def _org_keys() -> dict[int, str]:
    return {
        i: _org_key(i, e) for i, e in db.session.execute(select(Organization.id, Organization.external_id))
    }


def _catalog(model) -> Iterator[tuple]:
    yield from db.session.execute(select(model.name, model.active).order_by(model.name))


def _organizations() -> Iterator[tuple]:
    orgs = db.session.scalars(select(Organization).where(Organization.status != OrgStatus.MERGED))
    for o in sorted(orgs, key=lambda o: _org_key(o.id, o.external_id)):
        yield (_org_key(o.id, o.external_id), o.name, o.org_type, o.state, o.other_states, o.is_tribal,
               o.is_territory, o.status)  # fmt: skip


def _grants() -> Iterator[tuple]:
    keys = _org_keys()
    for g in db.session.scalars(select(Grant).order_by(Grant.grant_number)):
        yield (g.grant_number, keys[g.organization_id], g.program.name, g.project_start, g.project_end,
               g.gpo_name, g.gpo_email, g.project_director)  # fmt: skip


def _users() -> Iterator[tuple]:
    keys = _org_keys()
    for u in db.session.scalars(select(User).order_by(User.email)):
        yield u.email, u.name, u.role, keys.get(u.organization_id, ""), u.active


def request_key(ta_request_id: int, ext: str | None, reference: str | None) -> str:
    return ext or reference or f"request-{ta_request_id}"


def _requests() -> Iterator[tuple]:
    keys = _org_keys()
    emails = _pairs(select(User.id, User.email))
    programs = _pairs(select(GrantProgram.id, GrantProgram.name))
    grants = _pairs(select(Grant.id, Grant.grant_number))
    query = select(TARequest).order_by(TARequest.id).execution_options(yield_per=1000)
    for r in db.session.scalars(query):
        yield (
            request_key(r.id, r.external_id, r.reference), r.reference, r.title, r.description,
            r.desired_outcome, keys[r.organization_id], emails[r.requester_id], r.state,
            programs.get(r.program_id), grants.get(r.grant_id), "; ".join(sorted(t.name for t in r.topics)),
            r.tier, r.urgency, r.preferred_mode, r.needed_by, r.stage, emails.get(r.assignee_id),
            r.submitted_at, r.first_response_at, r.assigned_at, r.delivered_at, r.finished_at, r.goal_met,
            r.outcome_summary, r.closing_reason, r.referred_to,
        )  # fmt: skip


def _activities() -> Iterator[tuple]:
    emails = _pairs(select(User.id, User.email))
    req = aliased(TARequest)
    query = (
        select(TAActivity, req.id, req.external_id, req.reference)
        .join(req, req.id == TAActivity.ta_request_id)
        .where(TAActivity.deleted_at.is_(None))
        .order_by(TAActivity.id)
        .execution_options(yield_per=1000)
    )
    for a, rid, rext, rref in db.session.execute(query):
        yield (
            a.external_id or f"activity-{a.id}", request_key(rid, rext, rref), a.activity_date, a.hours,
            a.mode, a.participant_count, a.participant_roles, "; ".join(sorted(t.name for t in a.topics)),
            emails.get(a.staff_id), a.note,
        )  # fmt: skip


ROWS = {
    "topics": lambda: _catalog(Topic),
    "programs": lambda: _catalog(GrantProgram),
    "organizations": _organizations,
    "grants": _grants,
    "users": _users,
    "requests": _requests,
    "activities": _activities,
}


def write_csv(kind: str, out: io.TextIOBase) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(KINDS[kind].names)
    count = 0
    for row in ROWS[kind]():
        writer.writerow([cell(v) for v in row])
        count += 1
    return count


def write_archive(target) -> dict[str, int]:
    """Write the archive to `target` (a path or a binary file); returns rows per kind."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # control characters a workbook cannot hold

    counts = {}
    workbook = Workbook(write_only=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in ORDER:
            with archive.open(f"{kind}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                counts[kind] = write_csv(kind, text)
                text.flush()
                text.detach()
            sheet = workbook.create_sheet(kind)
            sheet.append(list(KINDS[kind].names))
            for row in ROWS[kind]():
                sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell(v)) for v in row])
        with tempfile.TemporaryFile() as spool:
            workbook.save(spool)
            spool.seek(0)
            with archive.open("records.xlsx", "w") as out:
                while chunk := spool.read(1 << 16):
                    out.write(chunk)
    return counts
