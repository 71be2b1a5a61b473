"""Read-only lookups of the catalog for forms and filters."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db

DEFAULT_TOPICS = [
    "IECMH consultation (IECMHC)",
    "Workforce development and endorsement",
    "Financing and Medicaid",
    "Screening and assessment",
    "Diagnosis and DC:0-5",
    "Perinatal and maternal mental health",
    "Early intervention (IDEA Part C)",
    "Home visiting",
    "Child care and early learning",
    "Pediatric primary care integration",
    "Trauma-informed care",
    "Family engagement and lived experience",
    "Equity and culturally responsive practice",
    "Data, evaluation and CQI",
    "Policy and systems building",
]

DEFAULT_PROGRAMS = [
    "Project LAUNCH",
    "Infant and Early Childhood Mental Health grant program",
    "State policy (no SAMHSA grant)",
]


def topic_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Topic.id, Topic.name).where(Topic.active).order_by(Topic.name))
    return [(row.id, row.name) for row in rows]


def program_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(GrantProgram.id, GrantProgram.name).where(GrantProgram.active).order_by(GrantProgram.name)
    )
    return [(row.id, row.name) for row in rows]


def all_entries(model) -> list:
    """Every topic or program, active ones first, for the admin pages."""
    return list(db.session.scalars(select(model).order_by(model.active.desc(), model.name)))
