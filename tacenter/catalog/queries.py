"""Read-only lookups of the catalog for forms and filters."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.i18n import localized

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


def _choices(model) -> list[tuple[int, str]]:
    """Active entries as (id, label) in the reader's language, in that language's order."""
    rows = db.session.execute(select(model.id, model.name, model.name_es).where(model.active))
    return sorted(((row.id, localized(row.name, row.name_es)) for row in rows), key=lambda c: c[1].casefold())


def topic_choices() -> list[tuple[int, str]]:
    return _choices(Topic)


def program_choices() -> list[tuple[int, str]]:
    return _choices(GrantProgram)


def translation_gaps() -> dict[str, list]:
    """Active topics and programs that requesters see without a Spanish label (they read the
    English name instead): the admin's list of labels to translate."""
    return {
        kind: list(
            db.session.scalars(
                select(model)
                .where(model.active, model.name_es.is_(None) | (model.name_es == ""))
                .order_by(model.name)
            )
        )
        for kind, model in (("topic", Topic), ("program", GrantProgram))
    }


def all_entries(model) -> list:
    """Every topic or program, active ones first, for the admin pages."""
    return list(db.session.scalars(select(model).order_by(model.active.desc(), model.name)))
