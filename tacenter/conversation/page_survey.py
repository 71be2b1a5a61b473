"""The request's survey answer as the staff read it on the request page (its summary names each
item and answer), as branches of the page's one statement (conversation/page_rows.py): the
answers, the items and version they answered, and the instrument's name."""

from __future__ import annotations

from sqlalchemy import select

from tacenter import bundle
from tacenter.surveys.models import (
    InstrumentVersion,
    SurveyAnswer,
    SurveyInstrument,
    SurveyItem,
    SurveySubmission,
)


def branches(ta_request_id) -> dict:
    answered = (SurveySubmission.ta_request_id == ta_request_id, SurveySubmission.purpose == "post_request")
    versions = select(SurveySubmission.version_id).where(*answered)
    return {
        "survey_answer": bundle.model_select(SurveyAnswer).where(
            SurveyAnswer.submission_id.in_(select(SurveySubmission.id).where(*answered))
        ),
        "survey_item": bundle.model_select(SurveyItem).where(SurveyItem.version_id.in_(versions)),
        "survey_version": bundle.model_select(InstrumentVersion).where(InstrumentVersion.id.in_(versions)),
        "survey_instrument": bundle.model_select(SurveyInstrument).where(
            SurveyInstrument.id.in_(
                select(InstrumentVersion.instrument_id).where(InstrumentVersion.id.in_(versions))
            )
        ),
    }


def assemble(submission: SurveySubmission, raw: dict) -> SurveySubmission:
    """`submission` with its version (items in order, instrument) and its answers (each with its
    item), as the ORM's eager loads would have filled them."""
    instruments = {i.id: i for i in bundle.instances(SurveyInstrument, raw["survey_instrument"])}
    versions = {v.id: v for v in bundle.instances(InstrumentVersion, raw["survey_version"])}
    items = sorted(bundle.instances(SurveyItem, raw["survey_item"]), key=lambda i: (i.position, i.id))
    for version in versions.values():
        bundle.set_list(version, "items", [i for i in items if i.version_id == version.id])
    bundle.link(versions.values(), "instrument", "instrument_id", instruments)
    bundle.link(items, "version", "version_id", versions)
    answers = sorted(bundle.instances(SurveyAnswer, raw["survey_answer"]), key=lambda a: a.id)
    bundle.link(answers, "item", "item_id", {i.id: i for i in items})
    bundle.link([submission], "version", "version_id", versions)
    bundle.set_list(submission, "answers", answers)
    return submission
