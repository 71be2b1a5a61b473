"""The demo's grantee roster: grants of the demo organizations, so reach against the roster
shows on the dashboard. Only two demo organizations have requesters, so the others on the
roster show as grantees that received no TA. Idempotent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.catalog.models import GrantProgram
from tacenter.extensions import db
from tacenter.registry.models import Grant
from tacenter.vocab import OrgType

LAUNCH = "Project LAUNCH"
IECMH = "Infant and Early Childhood Mental Health grant program"

# (organization, type, state, other states, program, grant number, GPO, project director)
ROSTER = [
    ("Ohio Project LAUNCH", OrgType.SAMHSA_GRANTEE, "OH", "", LAUNCH, "SM-085123", "Gail Ortiz",
     "Rita Moss"),
    ("Michigan IECMH Grant Program", OrgType.SAMHSA_GRANTEE, "MI", "", IECMH, "SM-087441", "Ben Cho",
     "Ana Ruiz"),
    ("New Mexico Children, Youth and Families Department", OrgType.STATE_AGENCY, "NM", "", IECMH, "SM-087502",
     "Ben Cho", "Joy Baca"),
    ("Navajo Nation Early Childhood Partnership", OrgType.TRIBAL, "AZ", "NM;UT", LAUNCH, "SM-085190",
     "Gail Ortiz", "Lena Begay"),
    ("Guam Behavioral Health and Wellness Center", OrgType.TERRITORY_AGENCY, "GU", "", IECMH, "SM-087530",
     "Ben Cho", "Mark Cruz"),
    ("Puerto Rico Departamento de Salud", OrgType.TERRITORY_AGENCY, "PR", "", LAUNCH, "SM-085240",
     "Gail Ortiz", "Luz Rivera"),
]  # fmt: skip


def seed_roster(now: datetime) -> int:
    """Add the roster's organizations and grants that are missing; returns how many grants exist."""
    programs = {p.name: p for p in db.session.scalars(select(GrantProgram))}
    for program in (LAUNCH, IECMH):
        if program not in programs:
            programs[program] = GrantProgram(name=program)
            db.session.add(programs[program])
    start = date(now.year - 2, 9, 30)  # periods that cover this fiscal year and the last
    for n, (name, org_type, state, others, program, number, gpo, director) in enumerate(ROSTER):
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, org_type=org_type.value, state=state)
            db.session.add(org)
        org.other_states = others
        org.is_tribal = org_type == OrgType.TRIBAL
        org.is_territory = org_type == OrgType.TERRITORY_AGENCY
        org.external_id = org.external_id or f"demo-{n + 1:02d}"
        db.session.flush()
        if db.session.scalar(select(Grant.id).where(Grant.grant_number == number)) is None:
            db.session.add(Grant(
                grant_number=number, organization_id=org.id, program_id=programs[program].id,
                project_start=start, project_end=date(start.year + 5, 9, 29), gpo_name=gpo,
                gpo_email=gpo.split()[0].lower() + "@samhsa.example", project_director=director,
            ))  # fmt: skip
    db.session.flush()
    return len(ROSTER)
