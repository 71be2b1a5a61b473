"""Wiring of the TA record on the request page: replies, notes, asking the requester."""

from sqlalchemy import select

from tacenter.conversation.models import Message
from tacenter.notifications.models import EmailOutbox
from tests.factories import UserFactory, request_in_progress


def test_staff_ask_from_the_stage_form_and_the_requester_answers_from_the_page(client, auth, db_session):
    ta_request, requester, staff, _ = request_in_progress()
    page = f"/requests/{ta_request.reference}"
    auth.login(staff)
    response = auth.post(
        f"{page}/stage",
        {
            "target": "waiting_on_requester",
            "note": "Which *counties* take part?",
            "version": str(ta_request.version),
        },
        form_page=page,
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(requester)
    html = client.get(page).get_data(as_text=True)
    assert "Which <em>counties</em> take part?" in html and "Waiting on requester" in html
    response = auth.post(f"{page}/replies", {"reply-body": "Bernalillo and Santa Fe"}, form_page=page)
    assert response.status_code == 302
    db_session.refresh(ta_request)
    assert ta_request.stage == "in_progress"
    email = db_session.scalar(select(EmailOutbox).order_by(EmailOutbox.id.desc()))
    assert (email.kind, email.to_address) == ("requester_replied", staff.email)


def test_an_empty_reply_is_refused_on_the_page(client, auth, db_session):
    ta_request, requester, *_ = request_in_progress()
    auth.login(requester)
    page = f"/requests/{ta_request.reference}"
    response = auth.post(f"{page}/replies", {"reply-body": "  "}, form_page=page)
    assert response.status_code == 400 and "Write your reply" in response.get_data(as_text=True)
    assert db_session.scalar(select(Message)) is None


def test_requesters_cannot_post_notes_and_leadership_gets_no_forms(client, auth, db_session):
    ta_request, requester, *_ = request_in_progress()
    auth.login(requester)
    assert (
        auth.post(
            f"/requests/{ta_request.reference}/notes", {"note-body": "x"}, form_page="/requests"
        ).status_code
        == 403
    )
    auth.logout()
    auth.login(UserFactory(role="leadership"))
    html = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "Send reply" not in html and "Save internal note" not in html
    assert db_session.scalar(select(Message)) is None


def test_a_reply_on_a_closed_request_is_refused_with_a_message(client, auth, db_session):
    from tacenter.workflow.services import change_stage, close_request

    ta_request, requester, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=staff)
    auth.login(requester)
    page = f"/requests/{ta_request.reference}"
    response = auth.post(f"{page}/replies", {"reply-body": "One more question"}, form_page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "takes no new replies" in html and "One more question" in html
    assert db_session.scalar(select(Message)) is None


def test_another_organization_cannot_reach_any_part_of_the_record(client, auth, db_session):
    from tacenter.files.services import Upload, attach_files
    from tests.factories import PDF_BYTES, RequesterFactory

    ta_request, requester, staff, _ = request_in_progress()
    (row,) = attach_files(ta_request.reference, [Upload("plan.pdf", PDF_BYTES)], actor=requester)
    auth.login(RequesterFactory())
    base = f"/requests/{ta_request.reference}"
    assert client.get(f"{base}/files/{row.id}").status_code == 404
    assert client.get(f"{base}/survey").status_code == 404
    for path, data in [
        ("replies", {"reply-body": "hi"}),
        ("files", {}),
    ]:
        assert auth.post(f"{base}/{path}", data, form_page="/requests").status_code == 404
    for path in ("notes", "activities", "plan/goals"):
        assert auth.post(f"{base}/{path}", {}, form_page="/requests").status_code == 403
    assert db_session.scalar(select(Message)) is None


def test_record_forms_refuse_a_post_without_the_csrf_token(client, auth, db_session):
    ta_request, requester, staff, _ = request_in_progress()
    auth.login(staff)
    base = f"/requests/{ta_request.reference}"
    for path, data in [("replies", {"reply-body": "hi"}), ("notes", {"note-body": "hi"}), ("files", {})]:
        response = client.post(f"{base}/{path}", data=data)
        assert response.status_code == 400 and "form expired" in response.get_data(as_text=True).lower()
    assert db_session.scalar(select(Message)) is None
