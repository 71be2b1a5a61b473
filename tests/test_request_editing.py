"""Editing a request: who may, what is kept, who is told, and a stale form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tacenter.errors import Conflict, InvalidTransition, NotAllowed
from tacenter.intake.editing import RequestEdit, edit_request
from tacenter.intake.models import RequestChange
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, request_in_progress, submit


def _as_is(ta_request, **changes) -> RequestEdit:
    values = {
        "title": ta_request.title,
        "description": ta_request.description,
        "topic_ids": [t.id for t in ta_request.topics],
        "tier": ta_request.tier,
        "urgency": ta_request.urgency,
        "state": ta_request.state,
        "preferred_mode": ta_request.preferred_mode,
        "program_id": ta_request.program_id,
        "needed_by": ta_request.needed_by,
    }
    return RequestEdit(**{**values, **changes})


def test_a_staff_edit_keeps_each_field_old_and_new_and_tells_the_requester(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    needed = date.today() + timedelta(days=40)
    edit_request(
        ta_request.reference,
        _as_is(
            ta_request,
            title="Dyadic billing codes for Medicaid",
            tier="intensive",
            needed_by=needed,
            state="OH",
        ),
        actor=staff,
    )
    changes = {
        c.field: (c.old_value, c.new_value, c.actor_id) for c in db_session.scalars(select(RequestChange))
    }
    assert changes == {
        "title": ("Medicaid billing for dyadic services", "Dyadic billing codes for Medicaid", staff.id),
        "tier": ("targeted", "intensive", staff.id),
        "needed_by": ("", needed.isoformat(), staff.id),
        "state": ("NM", "OH", staff.id),
    }
    told = db_session.scalar(select(Notification).where(Notification.kind == "request_edited"))
    assert told.user_id == requester.id and "title" in told.message and "state" not in told.message
    email = db_session.scalar(select(EmailOutbox).where(EmailOutbox.kind == "request_edited"))
    assert email.to_address == requester.email and "Dyadic billing codes for Medicaid" in email.text_body


def test_the_requester_may_edit_until_triage_and_is_not_told_of_their_own_edit(db_session):
    requester, lead = RequesterFactory(), UserFactory(role="lead")
    ta_request = submit(requester)
    edit_request(ta_request.reference, _as_is(ta_request, urgency="urgent"), actor=requester)
    assert ta_request.urgency == "urgent"
    assert db_session.scalar(select(Notification).where(Notification.kind == "request_edited")) is None
    change_stage(ta_request.reference, "triage", actor=lead)
    with pytest.raises(NotAllowed, match="reply to tell them what changed"):
        edit_request(ta_request.reference, _as_is(ta_request, urgency="soon"), actor=requester)


def test_a_closed_request_cannot_be_edited_until_reopened(db_session):
    ta_request, _, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    with pytest.raises(InvalidTransition, match="reopen it"):
        edit_request(ta_request.reference, _as_is(ta_request, title="A new title here"), actor=staff)


def test_an_edit_against_an_old_version_is_a_conflict(db_session):
    ta_request, _, staff, lead = request_in_progress()
    seen = ta_request.version
    edit_request(ta_request.reference, _as_is(ta_request, urgency="soon"), actor=lead, expected_version=seen)
    with pytest.raises(Conflict):
        edit_request(
            ta_request.reference,
            _as_is(ta_request, title="Another title"),
            actor=staff,
            expected_version=seen,
        )


def _form(ta_request, version, **changes):
    data = {
        "title": ta_request.title,
        "description": ta_request.description,
        "topic_ids": [str(t.id) for t in ta_request.topics],
        "state": ta_request.state,
        "tier": ta_request.tier,
        "urgency": ta_request.urgency,
        "preferred_mode": ta_request.preferred_mode,
        "program_id": "",
        "needed_by": "",
        "version": str(version),
    }
    return {**data, **changes}


def test_a_stale_edit_form_is_a_409_that_keeps_what_was_typed(client, auth, db_session):
    ta_request, _, staff, lead = request_in_progress()
    seen = ta_request.version
    edit_request(ta_request.reference, _as_is(ta_request, urgency="soon"), actor=lead)
    auth.login(staff)
    url = f"/requests/{ta_request.reference}/edit"
    response = auth.post(url, _form(ta_request, seen, title="Typed while someone else saved"), form_page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else" in html and "Typed while someone else saved" in html
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "Edit request" in page and "Typed while someone else saved" not in page


def test_the_edit_page_sends_a_requester_back_once_triage_began(client, auth, db_session):
    ta_request, requester, _, _ = request_in_progress()
    auth.login(requester)
    assert "Edit request" not in client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    url = f"/requests/{ta_request.reference}/edit"
    posted = auth.post(
        url,
        {"title": "Sneaked in after triage", "version": "1"},
        form_page=f"/requests/{ta_request.reference}",
    )
    assert posted.status_code == 302 and ta_request.title != "Sneaked in after triage"
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "reply to tell them what changed" in page
