"""The demo's people: organizations across states, one login per role, and (for benchmarks) more."""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.catalog.queries import DEFAULT_PROGRAMS, DEFAULT_TOPICS
from tacenter.extensions import db
from tacenter.vocab import STATES, OrgType, Role

DEMO_PASSWORD = "demo-password"  # noqa: S105 (published demo logins)

ORGANIZATIONS = [
    ("New Mexico Children, Youth and Families Department", OrgType.STATE_AGENCY, "NM"),
    ("Ohio Project LAUNCH", OrgType.SAMHSA_GRANTEE, "OH"),
    ("Vermont Agency of Human Services", OrgType.STATE_AGENCY, "VT"),
    ("Navajo Nation Early Childhood Partnership", OrgType.TRIBAL, "AZ"),
    ("Guam Behavioral Health and Wellness Center", OrgType.TERRITORY_AGENCY, "GU"),
    ("Little Rock Family Wellness Clinic", OrgType.COMMUNITY_PROVIDER, "AR"),
    ("Michigan IECMH Grant Program", OrgType.SAMHSA_GRANTEE, "MI"),
    ("Puerto Rico Departamento de Salud", OrgType.TERRITORY_AGENCY, "PR"),
]

# (email, name, role, organization index or None)
PEOPLE = [
    ("requester@demo.tacenter.org", "Rosa Requester", Role.REQUESTER, 0),
    ("requester2@demo.tacenter.org", "Omar Okafor", Role.REQUESTER, 1),
    ("staff@demo.tacenter.org", "Sam Specialist", Role.STAFF, None),
    ("staff2@demo.tacenter.org", "Priya Patel", Role.STAFF, None),
    ("staff3@demo.tacenter.org", "Luis Hernández", Role.STAFF, None),
    ("lead@demo.tacenter.org", "Lee Lead", Role.LEAD, None),
    ("leadership@demo.tacenter.org", "Dana Director", Role.LEADERSHIP, None),
    ("admin@demo.tacenter.org", "Ada Admin", Role.ADMIN, None),
]


def _ensure(model, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        db.session.add(row)
    return row


def extra_people(organizations: int, staff: int) -> None:
    """More organizations (each with a requester) and TA staff, for benchmarks at scale."""
    states = sorted(STATES)
    have = db.session.scalar(select(func.count()).select_from(Organization)) - len(ORGANIZATIONS)
    password_hash = hash_password(DEMO_PASSWORD) if organizations > have or staff else None
    for n in range(max(0, have), organizations):
        org = Organization(
            name=f"Grantee organization {n + 1:03d}",
            state=states[n % len(states)],
            org_type=list(OrgType)[n % len(OrgType)].value,
        )
        db.session.add(org)
        db.session.add(
            User(
                email=f"requester{n + 1:03d}@bench.tacenter.org",
                name=f"Requester {n + 1:03d}",
                role=Role.REQUESTER.value,
                organization=org,
                password_hash=password_hash,
            )
        )
    have_staff = db.session.scalar(select(func.count()).where(User.email.like("staff%@bench.tacenter.org")))
    for n in range(have_staff, staff):
        db.session.add(
            User(
                email=f"staff{n + 1:03d}@bench.tacenter.org",
                name=f"Specialist {n + 1:03d}",
                role=Role.STAFF.value,
                password_hash=password_hash,
            )
        )
    db.session.flush()


def base_data() -> tuple[list[Organization], list[User], list[User]]:
    for model, names in ((Topic, DEFAULT_TOPICS), (GrantProgram, DEFAULT_PROGRAMS)):
        for name, spanish in names.items():
            entry = _ensure(model, name=name)
            entry.name_es = entry.name_es or spanish
    orgs = []
    for name, org_type, state in ORGANIZATIONS:
        org = _ensure(Organization, name=name)
        org.org_type, org.state = org_type.value, state
        orgs.append(org)
    db.session.flush()
    password_hash = None
    people = []
    for email, name, role, org_index in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                email=email,
                name=name,
                role=role.value,
                password_hash=password_hash,
                organization=orgs[org_index] if org_index is not None else None,
            )
            db.session.add(user)
        people.append(user)
    db.session.flush()
    requesters = list(
        db.session.scalars(select(User).where(User.role == Role.REQUESTER.value).order_by(User.id))
    )
    staff = list(
        db.session.scalars(
            select(User).where(User.role.in_([Role.STAFF.value, Role.LEAD.value])).order_by(User.id)
        )
    )
    return orgs, requesters, staff
