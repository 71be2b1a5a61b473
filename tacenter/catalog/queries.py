"""Read-only lookups of the catalog for forms and filters."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.catalog.cache import cached
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.extensions import db
from tacenter.i18n import current_language, localized

# The starting lists (domain.md), each name with the Spanish a requester reads (admins edit both).
DEFAULT_TOPICS = {
    "IECMH consultation (IECMHC)": "Consultoría en salud mental infantil y de la primera infancia (IECMHC)",
    "Workforce development and endorsement": "Desarrollo y acreditación de la fuerza laboral",
    "Financing and Medicaid": "Financiamiento y Medicaid",
    "Screening and assessment": "Tamizaje y evaluación",
    "Diagnosis and DC:0-5": "Diagnóstico y DC:0-5",
    "Perinatal and maternal mental health": "Salud mental perinatal y materna",
    "Early intervention (IDEA Part C)": "Intervención temprana (IDEA, Parte C)",
    "Home visiting": "Visitas domiciliarias",
    "Child care and early learning": "Cuidado infantil y aprendizaje temprano",
    "Pediatric primary care integration": "Integración con la atención primaria pediátrica",
    "Trauma-informed care": "Atención informada sobre el trauma",
    "Family engagement and lived experience": "Participación de las familias y experiencia vivida",
    "Equity and culturally responsive practice": "Equidad y práctica culturalmente receptiva",
    "Data, evaluation and CQI": "Datos, evaluación y mejora continua de la calidad (CQI)",
    "Policy and systems building": "Políticas públicas y desarrollo de sistemas",
}

DEFAULT_PROGRAMS = {
    "Project LAUNCH": "Proyecto LAUNCH",
    "Infant and Early Childhood Mental Health grant program": (
        "Programa de subvenciones de Salud Mental Infantil y de la Primera Infancia"
    ),
    "State policy (no SAMHSA grant)": "Política estatal (sin subvención de SAMHSA)",
}


def _choices(model) -> list[tuple[int, str]]:
    """Active entries as (id, label) in the reader's language, in that language's order (the rows
    are kept per process until an admin edits the catalog: tacenter/catalog/cache.py)."""
    language = current_language()  # sorted once per language and copy, not on every form
    return list(cached(("choices", model.__tablename__, language), lambda: _sorted_choices(model, language)))


def _sorted_choices(model, language: str) -> tuple[tuple[int, str], ...]:
    rows = cached(("active", model.__tablename__), lambda: _active_rows(model))
    labelled = ((i, localized(name, name_es, language)) for i, name, name_es in rows)
    return tuple(sorted(labelled, key=lambda c: c[1].casefold()))


def _active_rows(model) -> tuple[tuple[int, str, str | None], ...]:
    rows = db.session.execute(select(model.id, model.name, model.name_es).where(model.active))
    return tuple(tuple(row) for row in rows)


def active_ids(model) -> frozenset[int]:
    """The ids of the active topics or programs, from the same copy as the choices."""
    return frozenset(
        i for i, _name, _name_es in cached(("active", model.__tablename__), lambda: _active_rows(model))
    )


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
