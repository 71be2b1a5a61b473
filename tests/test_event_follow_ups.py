"""Follow-ups after an event is delivered: every active requester account of each organization
that attended gets one at 30 and 90 days, exactly once (two sweeps at the same moment send
once), one reminder, in their language; each answers only their own, on the follow-up page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tacenter.errors import Conflict, NotFound
from tacenter.group_ta import services
from tacenter.notifications.models import EmailOutbox
from tacenter.outcomes.follow_ups import run_follow_ups
from tacenter.outcomes.models import FollowUp
from tacenter.outcomes.services import answer_event_follow_up
from tacenter.surveys.models import SurveySubmission
from tests.factories import OrganizationFactory, RequesterFactory, UserFactory


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


DELIVERED = at("2026-03-10 20:00")


@pytest.fixture
def attended(db_session):
    lead, staff = UserFactory(role="lead"), UserFactory(role="staff")
    event = services.create_event(
        services.EventValues(
            "Reflective supervision webinar", "training", "universal", date(2026, 3, 10), "2", [staff.id]
        ),
        actor=lead,
        today=date(2026, 3, 1),
    )
    came, stayed_away = OrganizationFactory(), OrganizationFactory()
    services.record_attendance(event.id, came.id, 12, "directors", version=None, actor=lead)
    rosa = RequesterFactory(organization=came, email="rosa@came.example", locale="es")
    ana = RequesterFactory(organization=came, email="ana@came.example")
    RequesterFactory(organization=came, email="gone@came.example", active=False)
    RequesterFactory(organization=stayed_away, email="bo@away.example")
    services.mark_delivered(event.id, version=None, actor=lead, today=date(2026, 3, 10), now=DELIVERED)
    return event, rosa, ana


def sent(kind: str, db_session) -> list[str]:
    return sorted(db_session.scalars(select(EmailOutbox.to_address).where(EmailOutbox.kind == kind)))


def test_each_contact_of_an_attending_organization_gets_30_and_90_day_follow_ups_once(db_session, attended):
    assert run_follow_ups(now=at("2026-04-08 20:00"))["sent"] == 0  # day 29
    assert run_follow_ups(now=at("2026-04-09 20:00"))["sent"] == 2  # day 30: the two active contacts
    assert run_follow_ups(now=at("2026-04-09 20:00"))["sent"] == 0  # a second sweep at the same moment
    assert run_follow_ups(now=at("2026-04-10 20:00"))["sent"] == 0
    assert sent("event_follow_up", db_session) == ["ana@came.example", "rosa@came.example"]
    assert run_follow_ups(now=at("2026-04-23 20:00"))["reminded"] == 2  # 14 days later: one reminder
    assert run_follow_ups(now=at("2026-04-24 20:00"))["reminded"] == 0
    assert sent("event_follow_up_reminder", db_session) == ["ana@came.example", "rosa@came.example"]
    assert run_follow_ups(now=at("2026-06-08 20:00"))["sent"] == 2  # day 90
    assert run_follow_ups(now=at("2026-06-08 20:00"))["sent"] == 0
    assert len(sent("event_follow_up", db_session)) == 4
    rows = db_session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.event_id.is_not(None)))
    assert rows == 4


def test_the_follow_up_email_speaks_each_contacts_language(db_session, attended):
    event, rosa, ana = attended
    run_follow_ups(now=at("2026-04-09 20:00"))
    by = {
        r.to_address: r
        for r in db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "event_follow_up"))
    }
    assert "evento" in by[rosa.email].subject and "Reflective supervision webinar" in by[rosa.email].subject
    assert "What changed since our event" in by[ana.email].subject
    assert f"/events/{event.id}/follow-up/30" in by[ana.email].text_body


def test_a_contact_answers_their_own_follow_up_once_on_the_page(client, auth, db_session, attended):
    event, rosa, ana = attended
    run_follow_ups(now=at("2026-04-09 20:00"))
    url = f"/events/{event.id}/follow-up/30"
    auth.login(ana)
    page = client.get(url)
    assert page.status_code == 200 and "Reflective supervision webinar" in page.get_data(as_text=True)
    refused = auth.post(url, {"item-what_changed": "policy", "item-evidence_link": "javascript:alert(1)"})
    assert refused.status_code == 400 and "https://" in refused.get_data(as_text=True)
    assert auth.post(url, {"item-what_changed": "practice"}).status_code == 302
    assert client.get(f"/events/{event.id}/follow-up/90").status_code == 404
    answered = db_session.scalars(select(FollowUp).where(FollowUp.answered_at.is_not(None))).all()
    assert [(f.contact_id, f.window_days) for f in answered] == [(ana.id, 30)]
    submission = db_session.get(SurveySubmission, answered[0].submission_id)
    assert (submission.event_id, submission.ta_request_id, submission.value("what_changed")) == (
        event.id,
        None,
        ["practice"],
    )
    with pytest.raises(Conflict):
        answer_event_follow_up(event.id, 30, {"item-what_changed": "policy"}, actor=ana)
    # Rosa's follow-up is hers alone; another requester sees nothing.
    with pytest.raises(NotFound):
        answer_event_follow_up(event.id, 30, {}, actor=RequesterFactory())
    assert run_follow_ups(now=at("2026-04-23 20:00"))["reminded"] == 1  # only Rosa, who has not answered
