"""The request page's one statement (conversation/page_rows.py, tacenter/bundle.py) reads every
column as the ORM reads it, on each database: dates, UTC times, decimals, booleans, text."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import class_mapper

from tacenter.accounts.models import User
from tacenter.catalog.models import Topic
from tacenter.conversation.page_rows import _SHARED, _STAFF, load_page_rows
from tacenter.delivery.models import TAActivity
from tacenter.demo.seed import seed_demo
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.surveys.models import SurveySubmission


def _values(obj) -> dict:
    return {a.key: getattr(obj, a.key) for a in class_mapper(type(obj)).column_attrs}


def _as_read(values: dict) -> dict:
    """Each value with its type and its text: 1.5 and 1.50 show differently on the page."""
    return {k: (type(v), str(v)) for k, v in values.items()}


def test_page_rows_read_what_the_orm_reads(app, db_session):
    seed_demo(request_count=60)
    ta_request = db.session.scalars(
        select(TARequest)
        .join(SurveySubmission, SurveySubmission.ta_request_id == TARequest.id)
        .where(TARequest.id.in_(select(TAActivity.ta_request_id)))
        .order_by(TARequest.id)
    ).first()
    activity = db.session.scalars(select(TAActivity).where(TAActivity.ta_request_id == ta_request.id)).first()
    activity.topics = list(db.session.scalars(select(Topic).order_by(Topic.id.desc()).limit(2)))
    db.session.commit()
    staff = db.session.scalar(select(User).where(User.role == "staff").order_by(User.id))
    rows = load_page_rows(ta_request, staff)
    checked = 0
    for key, (model, _, _) in {**_SHARED, **_STAFF}.items():
        query = select(model).where(model.ta_request_id == ta_request.id)
        if key == "survey":
            query = query.where(SurveySubmission.purpose == "post_request")
        loaded = db.session.scalars(query).all()
        if key == "survey":
            assert rows.survey is not None and rows.survey.summary == loaded[0].summary
        assert sorted((_as_read(_values(o)) for o in rows[key]), key=str) == sorted(
            (_as_read(_values(o)) for o in loaded), key=str
        ), key
        checked += len(loaded)
    assert {t.id for t in rows["topic"]} == {t.id for t in ta_request.topics}
    assert checked > 10 and any(len(a.topics) == 2 for a in rows["activity"])
    for activity in rows["activity"]:
        assert [t.id for t in activity.topics] == sorted(
            t.id for t in db.session.get(TAActivity, activity.id).topics
        )
