"""Building a SAMHSA-ready table from the answers of a period (columns: samhsa_map)."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.outcomes.samhsa_map import FORMS, Row
from tacenter.reports.filters import ReportFilters
from tacenter.reports.tables import Table
from tacenter.surveys.models import InstrumentVersion, SurveyAnswer, SurveyItem, SurveySubmission


def submission_rows(purpose_like: str, filters: ReportFilters, *, tz: str) -> list[Row]:
    """Every submission of the period for the filtered requests, with {item code: value}."""
    lo, hi = filters.period.bounds(tz)
    rows: dict[int, Row] = {}
    query = (
        select(
            SurveySubmission.id,
            InstrumentVersion.number,
            SurveySubmission.purpose,
            SurveySubmission.submitted_at,
            SurveySubmission.locale,
            TARequest.tier,
            SurveyItem.code,
            SurveyItem.kind,
            SurveyAnswer.number,
            SurveyAnswer.choice,
            SurveyAnswer.text,
        )
        .join(InstrumentVersion, InstrumentVersion.id == SurveySubmission.version_id)
        .join(TARequest, TARequest.id == SurveySubmission.ta_request_id)
        .outerjoin(SurveyAnswer, SurveyAnswer.submission_id == SurveySubmission.id)
        .outerjoin(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
        .where(
            filters.request_condition(),
            SurveySubmission.purpose.like(purpose_like),
            SurveySubmission.submitted_at >= lo,
            SurveySubmission.submitted_at < hi,
        )
        .order_by(SurveySubmission.submitted_at, SurveySubmission.id)
    )
    for sid, version, purpose, at, locale, tier, code, kind, number, choice, text in db.session.execute(
        query
    ):
        row = rows.setdefault(sid, Row(sid, version, purpose, at, locale, tier))
        if code is None:
            continue
        if kind == "multi":
            row.values.setdefault(code, []).append(choice)
        elif kind == "yes_no":
            row.values[code] = bool(number)
        else:
            row.values[code] = number if number is not None else (choice or text)
    return list(rows.values())


def samhsa_table(form: str, filters: ReportFilters, *, tz: str) -> Table:
    title, purpose_like, columns = FORMS[form]
    body = [[col.read(row) for col in columns] for row in submission_rows(purpose_like, filters, tz=tz)]
    return Table(title, [c.name for c in columns], body, "; ".join(f"{c.name}: {c.meaning}" for c in columns))
