"""A NUL byte anywhere in a request is refused once, where input enters: a 400, never a 500,
and nothing saved (PostgreSQL cannot store U+0000; SQLite would store it)."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from tacenter.accounts.models import Organization
from tacenter.conversation.models import Message
from tacenter.delivery.models import PlanGoal
from tacenter.request_guard import MESSAGE
from tests.conftest import csrf_token
from tests.factories import UserFactory, request_in_progress


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def _refused(response) -> None:
    assert response.status_code == 400, response.status_code
    html = response.get_data(as_text=True)
    assert str(MESSAGE) in html and "<h1" in html  # the site's error page, not a bare response


def test_a_nul_in_a_request_reference_or_search_word_is_a_400(client, auth):
    ta_request, _, staff, _ = request_in_progress()
    auth.login(staff)
    _refused(client.get(f"/requests/{ta_request.reference}%00"))
    _refused(client.get("/requests/TA-%00-0001"))
    _refused(client.get("/requests", query_string={"q": "billing\x00"}))
    _refused(client.get("/requests?q=%00&stage=new"))
    assert client.get("/requests", query_string={"q": "billing"}).status_code == 200


@pytest.mark.parametrize(
    "path, field, model",
    [
        ("replies", "reply-body", Message),
        ("notes", "note-body", Message),
        ("plan/goals", "goal-description", PlanGoal),
    ],
)
def test_a_nul_in_a_reply_note_or_plan_goal_is_a_400_and_nothing_is_saved(
    client, auth, db_session, path, field, model
):
    ta_request, _, staff, _ = request_in_progress(tier="intensive")
    page = f"/requests/{ta_request.reference}"
    auth.login(staff)
    before = _count(db_session, model)
    _refused(auth.post(f"{page}/{path}", {field: "Medicaid\x00 billing"}, form_page=page))
    assert _count(db_session, model) == before
    # The same form without the NUL is saved: the refusal was the NUL's.
    assert auth.post(f"{page}/{path}", {field: "Medicaid billing"}, form_page=page).status_code == 302
    assert _count(db_session, model) == before + 1


def test_a_nul_in_an_organization_name_or_a_file_name_is_a_400(client, auth, db_session):
    auth.login(UserFactory(role="admin"))
    form = {"name": "Guam\x00BHWC", "org_type": "territory_agency", "state": "GU"}
    _refused(auth.post("/admin/organizations/new", form))
    _refused(auth.post("/admin/organizations/new", {**form, "name\x00": "x"}))
    assert db_session.scalar(select(Organization).where(Organization.name.like("Guam%"))) is None
    ta_request, _, staff, _ = request_in_progress()
    auth.logout()
    auth.login(staff)
    page = f"/requests/{ta_request.reference}"
    upload = {"reply-body": "See attached", "reply-files": (BytesIO(b"hello"), "notes\x00.txt")}
    _refused(auth.post(f"{page}/replies", upload, form_page=page, content_type="multipart/form-data"))
    assert _count(db_session, Message) == 0


def test_json_clients_get_a_json_400_for_a_nul(client, auth):
    ta_request, _, staff, _ = request_in_progress()
    auth.login(staff)
    page = f"/requests/{ta_request.reference}"
    response = client.get("/requests?q=%00", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["message"] == str(MESSAGE)
    response = client.post(
        f"{page}/replies",
        json={"reply-body": ["fine", {"nested": "bad\x00"}]},
        headers={"X-CSRFToken": csrf_token(client, page)},
    )
    assert response.status_code == 400 and response.get_json()["message"] == str(MESSAGE)
