"""Closing the loop: outcome, decline, refer, reopen, and the survey answered once."""

import pytest
from sqlalchemy import func, select

from tacenter.delivery.queries import survey_for
from tacenter.delivery.services import answer_survey
from tacenter.errors import Conflict, DomainError, NotAllowed
from tacenter.notifications.models import EmailOutbox
from tacenter.surveys.models import SurveySubmission
from tacenter.workflow.services import (
    change_stage,
    close_request,
    decline_request,
    refer_request,
)
from tests.factories import RequesterFactory, UserFactory, request_in_progress, submit

ANSWERS = {
    "quality": 5,
    "relevance": 5,
    "usefulness": 5,
    "timeliness": 4,
    "satisfaction": 4,
    "intent_to_use": True,
    "goal_met": "partly",
    "comment": "Very helpful",
}
FORM = {f"item-{code}": ("yes" if value is True else str(value)) for code, value in ANSWERS.items()}


def _delivered():
    ta_request, requester, staff, lead = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    return ta_request, requester, staff, lead


def test_closing_stores_the_outcome_and_invites_the_requester_to_the_survey(db_session):
    ta_request, requester, staff, _ = _delivered()
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Billing guide adopted", actor=staff)
    assert (ta_request.stage, ta_request.goal_met, ta_request.outcome_summary) == (
        "closed",
        "yes",
        "Billing guide adopted",
    )
    invite = db_session.scalar(select(EmailOutbox).where(EmailOutbox.kind == "survey_requested"))
    assert invite.to_address == requester.email
    assert f"http://tacenter.test/requests/{ta_request.reference}/survey" in invite.text_body


@pytest.mark.parametrize(
    "goal_met, summary, message", [("", "x", "goal"), ("maybe", "x", "goal"), ("yes", " ", "outcome")]
)
def test_closing_needs_an_outcome(db_session, goal_met, summary, message):
    ta_request, _, staff, _ = _delivered()
    with pytest.raises(DomainError, match=message):
        close_request(ta_request.reference, goal_met=goal_met, outcome_summary=summary, actor=staff)
    assert ta_request.stage == "delivered"


def test_a_bare_stage_change_cannot_close_or_refer(db_session):
    ta_request, _, staff, lead = _delivered()
    with pytest.raises(DomainError, match="outcome"):
        change_stage(ta_request.reference, "closed", actor=staff)


def test_declining_keeps_the_reason(db_session):
    ta_request = submit(RequesterFactory())
    lead = UserFactory(role="lead")
    with pytest.raises(DomainError, match="note"):
        decline_request(ta_request.reference, reason=" ", actor=lead)
    decline_request(ta_request.reference, reason="Adult services are outside our scope", actor=lead)
    assert ta_request.stage == "declined" and ta_request.closing_reason.startswith("Adult services")


def test_referring_needs_a_reason_and_a_provider(db_session):
    ta_request = submit(RequesterFactory())
    lead = UserFactory(role="lead")
    with pytest.raises(DomainError, match="provider"):
        refer_request(ta_request.reference, reason="Part C question", referred_to="", actor=lead)
    with pytest.raises(DomainError, match="note"):
        refer_request(ta_request.reference, reason="", referred_to="ECTA Center", actor=lead)
    refer_request(ta_request.reference, reason="Part C question", referred_to="ECTA Center", actor=lead)
    assert (ta_request.stage, ta_request.referred_to, ta_request.closing_reason) == (
        "referred",
        "ECTA Center",
        "Part C question",
    )


def test_staff_reopen_a_closed_request_and_the_old_outcome_is_cleared(db_session):
    ta_request, _, staff, _ = _delivered()
    close_request(ta_request.reference, goal_met="no", outcome_summary="Stalled", actor=staff)
    with pytest.raises(DomainError):
        change_stage(ta_request.reference, "in_progress", actor=staff)  # a reason is required
    change_stage(ta_request.reference, "in_progress", actor=staff, note="New county joined")
    assert (
        ta_request.stage == "in_progress" and ta_request.goal_met is None and ta_request.finished_at is None
    )


def test_requester_answers_the_survey_once(db_session):
    ta_request, requester, staff, _ = _delivered()
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    answer_survey(ta_request.reference, ANSWERS, actor=requester)
    with pytest.raises(Conflict, match="already answered"):
        answer_survey(ta_request.reference, ANSWERS | {"usefulness": 1}, actor=requester)
    db_session.rollback()
    rows = db_session.scalars(select(SurveySubmission)).all()
    assert [(r.value("usefulness"), r.value("timeliness"), r.value("goal_met")) for r in rows] == [
        (5, 4, "partly")
    ]


def test_the_survey_is_only_for_closed_requests_and_their_requesters(db_session):
    ta_request, requester, staff, _ = _delivered()
    with pytest.raises(DomainError, match="closed"):
        answer_survey(ta_request.reference, ANSWERS, actor=requester)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    with pytest.raises(NotAllowed):
        answer_survey(ta_request.reference, ANSWERS, actor=staff)
    submission, errors = answer_survey(ta_request.reference, ANSWERS | {"usefulness": 9}, actor=requester)
    assert submission is None and errors == {"usefulness": "Choose a rating from 1 to 5."}
    assert db_session.scalar(select(func.count()).select_from(SurveySubmission)) == 0


def test_survey_page_answers_once_and_then_says_so(client, auth, db_session):
    ta_request, requester, staff, _ = _delivered()
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "Answer the short satisfaction survey" in page
    url = f"/requests/{ta_request.reference}/survey"
    refused = auth.post(url, FORM | {"item-quality": ""})
    assert refused.status_code == 400 and "Answer this question." in refused.get_data(as_text=True)
    response = auth.post(url, FORM | {"item-usefulness": "4", "item-comment": "Great"})
    assert response.status_code == 302
    again = auth.post(url, FORM | {"item-usefulness": "1"}, form_page=f"/requests/{ta_request.reference}")
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True)
    assert survey_for(ta_request.id).value("usefulness") == 4


def test_the_stage_form_closes_with_an_outcome_and_keeps_what_was_typed_when_incomplete(
    client, auth, db_session
):
    ta_request, _, staff, _ = _delivered()
    auth.login(staff)
    url = f"/requests/{ta_request.reference}/stage"
    page = f"/requests/{ta_request.reference}"
    data = {
        "target": "closed",
        "note": "",
        "goal_met": "",
        "outcome_summary": "Guide adopted statewide",
        "version": str(ta_request.version),
    }
    response = auth.post(url, data, form_page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "goal was met" in html and "Guide adopted statewide" in html
    response = auth.post(url, {**data, "goal_met": "partly"}, form_page=page)
    assert response.status_code == 302
    db_session.refresh(ta_request)
    assert ta_request.stage == "closed" and ta_request.goal_met == "partly"


def test_a_reopened_and_closed_again_request_invites_to_the_survey_only_once(db_session):
    ta_request, _, staff, _ = _delivered()
    close_request(ta_request.reference, goal_met="no", outcome_summary="Stalled", actor=staff)
    change_stage(ta_request.reference, "in_progress", actor=staff, note="New county joined")
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done at last", actor=staff)
    invites = db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "survey_requested")).all()
    assert len(invites) == 1 and ta_request.outcome_summary == "Done at last"
