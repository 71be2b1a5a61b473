"""Post-event participant surveys: anonymous, once per browser, closed after the center's days,
rate limited, bad input answered with a message, and the response rate on the event page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tacenter.event_surveys import services as event_surveys
from tacenter.extensions import db
from tacenter.group_ta import services
from tacenter.surveys.models import SurveySubmission
from tests.conftest import csrf_token
from tests.factories import OrganizationFactory, UserFactory

GOOD = {"item-quality": "5", "item-relevance": "4", "item-usefulness": "5", "item-satisfaction": "4",
        "item-intent_to_use": "yes"}  # fmt: skip
DAY = date(2026, 3, 10)
DURING = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def event(db_session, monkeypatch):
    monkeypatch.setattr(event_surveys, "utcnow", lambda: DURING)
    lead, staff = UserFactory(role="lead"), UserFactory(role="staff")
    made = services.create_event(
        services.EventValues("Reflective supervision webinar", "training", "universal", DAY, "2", [staff.id]),
        actor=lead,
    )
    for n, org in enumerate(OrganizationFactory() for _ in range(2)):
        services.record_attendance(made.id, org.id, 5 + n * 5, "directors", version=None, actor=lead)
    return made, lead


def _url(event_id):
    return "/survey/" + event_surveys.survey_token(event_id)


def _answer(client, url, **extra):
    return client.post(url, data={**GOOD, **extra, "csrf_token": csrf_token(client, url)})


def test_a_participant_answers_without_an_account_and_nothing_identifies_them(app, client, event):
    made, _lead = event
    url = _url(made.id)
    response = client.get(url)
    assert response.status_code == 200 and "Reflective supervision webinar" in response.get_data(as_text=True)
    response = _answer(client, url, **{"item-comment": "Muy útil"})
    assert response.status_code == 200 and "your answers were saved" in response.get_data(as_text=True)
    row = db.session.scalar(select(SurveySubmission).where(SurveySubmission.event_id == made.id))
    assert row.respondent_id is None and row.ta_request_id is None and row.purpose == "post_event"
    key = client.get_cookie(event_surveys.COOKIE, path="/survey").value
    assert row.browser_key == event_surveys.hashed(key) and key not in row.browser_key
    columns = {c.name: getattr(row, c.key) for c in SurveySubmission.__table__.columns}
    assert not any("127.0.0.1" in str(v) for v in columns.values())
    assert row.value("quality") == 5 and row.value("comment") == "Muy útil"


def test_one_answer_per_browser_another_browser_is_accepted(app, client, event):
    made, _lead = event
    url = _url(made.id)
    client.get(url)
    assert _answer(client, url).status_code == 200
    second = _answer(client, url)
    assert second.status_code == 409 and "already answered" in second.get_data(as_text=True)
    other = app.test_client()
    other.get(url)
    assert _answer(other, url).status_code == 200
    count = db.session.scalar(
        select(db.func.count()).select_from(SurveySubmission).where(SurveySubmission.event_id == made.id)
    )
    assert count == 2


def test_the_survey_closes_after_the_centers_days(app, client, event, monkeypatch):
    made, _lead = event
    url = _url(made.id)
    client.get(url)
    monkeypatch.setattr(event_surveys, "utcnow", lambda: datetime(2026, 3, 24, 20, 0, tzinfo=UTC))  # day 14
    assert "Send answers" in client.get(url).get_data(as_text=True)
    monkeypatch.setattr(event_surveys, "utcnow", lambda: datetime(2026, 3, 25, 18, 0, tzinfo=UTC))  # day 15
    assert "survey is closed" in client.get(url).get_data(as_text=True)
    response = _answer(client, url)
    assert response.status_code == 400 and "survey is closed" in response.get_data(as_text=True)
    assert db.session.scalar(select(SurveySubmission.id).where(SurveySubmission.event_id == made.id)) is None


def test_an_altered_link_is_a_404_and_bad_answers_get_a_form_message(app, client, event):
    made, _lead = event
    assert client.get(_url(made.id) + "x").status_code == 404
    assert client.get("/survey/" + "a" * 5000).status_code == 404
    url = _url(made.id)
    client.get(url)
    response = client.post(url, data={"item-quality": "11", "item-intent_to_use": "maybe",
                                      "csrf_token": csrf_token(client, url)})  # fmt: skip
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 400
        and "Choose a rating from 1 to 5." in page
        and "There is a problem" in page
    )
    assert db.session.scalar(select(SurveySubmission.id).where(SurveySubmission.event_id == made.id)) is None


def test_answers_are_rate_limited_per_address(app, client, event):
    made, _lead = event
    app.config["EVENT_SURVEY_LIMIT"] = "3 per hour"
    try:
        url = _url(made.id)
        codes = []
        for _ in range(4):
            browser = app.test_client()
            browser.get(url)
            codes.append(_answer(browser, url).status_code)
        assert codes == [200, 200, 200, 429]
    finally:
        app.config.pop("EVENT_SURVEY_LIMIT")
        from tacenter.extensions import limiter

        limiter.reset()


def test_the_event_page_shows_the_link_the_qr_code_and_the_response_rate(app, client, auth, event):
    made, lead = event
    url = _url(made.id)
    for _ in range(3):
        browser = app.test_client()
        browser.get(url)
        assert _answer(browser, url).status_code == 200
    rate = event_surveys.response_rate(made)
    assert (rate.answers, rate.participants, rate.percent) == (3, 15, 20.0)
    auth.login(lead)
    page = client.get(f"/events/{made.id}").get_data(as_text=True)
    assert url in page and "<svg" in page
    assert "3 answers from 15 participants recorded (20.0%)" in page


def test_the_demo_seeds_answered_post_event_surveys_on_delivered_events(app, db_session):
    from tacenter.demo.event_surveys import seed_event_answers
    from tacenter.demo.group_ta import seed_group_ta
    from tacenter.demo.people import base_data
    from tacenter.group_ta.models import Event

    base_data()
    db.session.commit()
    now = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
    seed_group_ta(now)
    seed_event_answers(now, __import__("random").Random(1))
    seed_event_answers(now, __import__("random").Random(1))  # once
    rates = [
        event_surveys.response_rate(e)
        for e in db.session.scalars(select(Event).where(Event.status == "delivered"))
    ]
    assert rates and all(0 < r.answers < r.participants for r in rates)
    rows = db.session.scalars(select(SurveySubmission).where(SurveySubmission.event_id.is_not(None))).all()
    assert len(rows) == sum(r.answers for r in rates)
    assert all(r.respondent_id is None and len(r.browser_key) == 64 and r.submitted_at <= now for r in rows)


def test_admins_set_how_many_days_the_survey_stays_open(app, client, auth, event):
    from tacenter.center.services import center_settings
    from tacenter.event_surveys.services import closes_on

    made, _lead = event
    auth.login(UserFactory(role="admin"))
    form = {"name": "IECMH TA Center", "event_survey_days": "3"}
    response = client.post("/admin/center", data={**form, "csrf_token": csrf_token(client, "/admin/center")})
    assert response.status_code == 302 and center_settings().event_survey_days == 3
    assert closes_on(made) == date(2026, 3, 13)
    form["event_survey_days"] = "500"
    response = client.post("/admin/center", data={**form, "csrf_token": csrf_token(client, "/admin/center")})
    assert response.status_code == 400 and "From 1 to 90 days." in response.get_data(as_text=True)
