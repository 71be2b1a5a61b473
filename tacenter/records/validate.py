"""Checking rows of the registry's kinds (topics, programs, organizations, grants, users)
against the file so far and the database: what each row would write, or its problems.

A row's key (its external id, grant number, email or name) decides whether it is new,
changes an existing record, or changes nothing: re-importing a file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from tacenter.accounts.models import Organization, OrgStatus, User
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.records.cells import Cells
from tacenter.registry.models import Grant
from tacenter.vocab import OrgType, Role

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class Outcome:
    key: str
    values: dict
    existing_id: int | None = None
    status: str = NEW


@dataclass
class Context:
    """What rows are checked against: the database's lookups, and the keys seen in the file."""

    tz: str
    actor_id: int | None = None
    seen: set[str] = field(default_factory=set)
    topics: dict[str, int] = field(default_factory=dict)  # lower name -> id
    programs: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)  # external id -> id
    users: dict[str, tuple[int, str, int | None]] = field(default_factory=dict)  # email -> (id, role, org)
    grants: dict[str, tuple[int, int]] = field(default_factory=dict)  # number -> (id, org id)
    existing: dict[str, tuple[int, dict]] = field(default_factory=dict)  # this kind's rows by key
    names: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # org lower name -> (id, ext)
    requests: dict[str, int] = field(default_factory=dict)  # lower external id -> id (validate_history)
    references: set[str] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, kind: str, *, tz: str, actor_id: int | None = None) -> Context:
        ctx = cls(tz=tz, actor_id=actor_id)
        s = db.session
        ctx.topics = {n.lower(): i for i, n in s.execute(select(Topic.id, Topic.name))}
        ctx.programs = {n.lower(): i for i, n in s.execute(select(GrantProgram.id, GrantProgram.name))}
        ctx.orgs = {e: i for i, e in s.execute(select(Organization.id, Organization.external_id)) if e}
        ctx.users = {e: (i, r, o) for i, e, r, o in s.execute(
            select(User.id, User.email, User.role, User.organization_id))}  # fmt: skip
        ctx.grants = {n: (i, o) for i, n, o in s.execute(
            select(Grant.id, Grant.grant_number, Grant.organization_id))}  # fmt: skip
        loader = EXISTING.get(kind)
        if loader:
            ctx.existing = loader()
        if kind == "organizations":
            ctx.names = {n.lower(): (i, e) for i, n, e in s.execute(
                select(Organization.id, Organization.name, Organization.external_id))}  # fmt: skip
        return ctx

    def first_time(self, cells: Cells, column: str, key: str) -> bool:
        """False (and a problem) for a key the file already had: a duplicate row."""
        folded = key.lower()
        if folded in self.seen:
            cells.problem(column, f"“{key}” appears twice in the file")
            return False
        self.seen.add(folded)
        return True

    def outcome(self, key: str, values: dict, lookup: str | None = None) -> Outcome:
        found = self.existing.get(lookup if lookup is not None else key)
        if found is None:
            return Outcome(key, values)
        row_id, current = found
        same = all(current[k] == v for k, v in values.items() if k in current)
        return Outcome(key, values, row_id, UNCHANGED if same else CHANGED)


def _rows(model, key_column, columns) -> dict[str, tuple[int, dict]]:
    query = select(model.id, key_column, *[getattr(model, c) for c in columns])
    return {
        (key.lower() if isinstance(key, str) else key): (row_id, dict(zip(columns, rest, strict=True)))
        for row_id, key, *rest in db.session.execute(query)
        if key is not None
    }


ORG_FIELDS = (
    "external_id",
    "name",
    "org_type",
    "state",
    "other_states",
    "is_tribal",
    "is_territory",
    "status",
)
GRANT_FIELDS = ("organization_id", "program_id", "project_start", "project_end", "gpo_name", "gpo_email",
                "project_director")  # fmt: skip
USER_FIELDS = ("name", "role", "organization_id", "active")
EXISTING = {
    "topics": lambda: _rows(Topic, Topic.name, ["active"]),
    "programs": lambda: _rows(GrantProgram, GrantProgram.name, ["active"]),
    "organizations": lambda: _rows(Organization, Organization.external_id, list(ORG_FIELDS)),
    "grants": lambda: _rows(Grant, Grant.grant_number, list(GRANT_FIELDS)),
    "users": lambda: _rows(User, User.email, list(USER_FIELDS)),
}


def check_catalog(cells: Cells, ctx: Context) -> Outcome | None:
    name = cells.text("name", 120, required=True).strip()
    active = cells.yes_no("active", True)
    if name and ctx.first_time(cells, "name", name):
        return ctx.outcome(name, {"name": name, "active": active}, name.lower())
    return None


def check_organization(cells: Cells, ctx: Context) -> Outcome | None:
    ext = cells.text("external_id", 64, required=True).strip()
    values = {
        "external_id": ext,
        "name": cells.text("name", 200, required=True).strip(),
        "org_type": cells.choice("org_type", OrgType, required=True),
        "state": cells.state("state"),
        "other_states": cells.states("other_states"),
        "is_tribal": cells.yes_no("tribal", False),
        "is_territory": cells.yes_no("territory", False),
        "status": cells.text("status", 16).strip().lower() or OrgStatus.APPROVED.value,
    }
    if values["status"] not in (OrgStatus.APPROVED, OrgStatus.PENDING):
        cells.problem("status", "is not approved or pending")
    if not ext or not ctx.first_time(cells, "external_id", ext):
        return None
    if not ctx.first_time(cells, "name", "name:" + values["name"]):
        return None
    outcome = ctx.outcome(ext, values, ext.lower())
    by_name = ctx.names.get(values["name"].lower())
    if by_name and by_name[0] != outcome.existing_id:
        if outcome.existing_id is None and by_name[1] is None:
            # An organization that signed up before the roster came: the roster adopts it.
            return Outcome(ext, values, by_name[0], CHANGED)
        cells.problem("name", "another organization already has this name")
    return outcome


def _organization(cells: Cells, ctx: Context, column: str = "organization", *, required=True) -> int | None:
    ext = cells.text(column, 64, required=required).strip()
    if ext and ext not in ctx.orgs:
        cells.problem(column, f"no organization has the external_id “{ext}” (import organizations first)")
    return ctx.orgs.get(ext)


def check_grant(cells: Cells, ctx: Context) -> Outcome | None:
    number = cells.text("grant_number", 40, required=True).strip()
    program = cells.text("program", 160, required=True).strip()
    if program and program.lower() not in ctx.programs:
        cells.problem("program", f"unknown grant program “{program}”")
    values = {
        "organization_id": _organization(cells, ctx),
        "program_id": ctx.programs.get(program.lower()),
        "project_start": cells.day("project_start", required=True),
        "project_end": cells.day("project_end", required=True),
        "gpo_name": cells.text("gpo_name", 120).strip(),
        "gpo_email": cells.email("gpo_email"),
        "project_director": cells.text("project_director", 120).strip(),
    }
    start, end = values["project_start"], values["project_end"]
    if start and end and end < start:
        cells.problem("project_end", "is before project_start")
    if number and ctx.first_time(cells, "grant_number", number):
        return ctx.outcome(number, {"grant_number": number, **values}, number.lower())
    return None


def check_user(cells: Cells, ctx: Context) -> Outcome | None:
    email = cells.email("email", required=True)
    role = cells.choice("role", Role, required=True)
    org_id = _organization(cells, ctx, required=role == Role.REQUESTER)
    values = {
        "name": cells.text("name", 120, required=True).strip(),
        "role": role,
        "organization_id": org_id if role == Role.REQUESTER else None,
        "active": cells.yes_no("active", True),
    }
    if not email or not ctx.first_time(cells, "email", email):
        return None
    outcome = ctx.outcome(email, {"email": email, **values}, email)
    if outcome.existing_id is not None and outcome.existing_id == ctx.actor_id and outcome.status == CHANGED:
        cells.problem("role", "is your own account: change it on the users page, not by import")
    return outcome
