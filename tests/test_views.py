"""Wiring of the pages: status, redirect, message, what was saved."""

import pytest
from sqlalchemy import func, select

from tacenter.intake.models import TARequest
from tests.conftest import csrf_token
from tests.factories import ProgramFactory, RequesterFactory, TopicFactory, UserFactory, submit


def _form(client, **overrides):
    values = {
        "csrf_token": csrf_token(client, "/requests/new"),
        "submission_token": "tok-view",
        "title": "Reflective supervision for home visitors",
        "description": "Our home visitors need reflective supervision; where do we start?",
        "desired_outcome": "",
        "topic_ids": [],
        "state": "NM",
        "tier": "targeted",
        "urgency": "routine",
        "preferred_mode": "virtual_meeting",
        "program_id": "",
    }
    values.update(overrides)
    return values


def test_requester_submits_and_lands_on_the_new_request(client, auth, db_session):
    requester, topic, program = RequesterFactory(), TopicFactory(), ProgramFactory()
    auth.login(requester)
    response = client.post(
        "/requests/new", data=_form(client, topic_ids=[topic.id], program_id=str(program.id))
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    ta_request = db_session.scalar(select(TARequest))
    assert ta_request.program_id == program.id
    assert ta_request.reference in page and "was received" in page and "Submitted" in page


def test_a_form_with_errors_is_shown_again_with_messages_and_what_was_typed(client, auth, db_session):
    auth.login(RequesterFactory())
    TopicFactory()
    response = client.post("/requests/new", data=_form(client, title="Hi", needed_by="not a date"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Choose at least one topic." in html
    assert "Not a valid date value." in html
    assert "Our home visitors need reflective supervision" in html  # nothing typed is lost
    assert db_session.scalar(select(func.count()).select_from(TARequest)) == 0


def test_a_past_needed_by_date_is_refused_on_the_form(client, auth):
    auth.login(RequesterFactory())
    topic = TopicFactory()
    response = client.post("/requests/new", data=_form(client, topic_ids=[topic.id], needed_by="2001-01-01"))
    assert "needed-by date is in the past" in response.get_data(as_text=True)


def test_tampered_choices_are_refused_not_crashed(client, auth):
    auth.login(RequesterFactory())
    TopicFactory()
    response = client.post(
        "/requests/new", data=_form(client, topic_ids=["abc"], state="XX", tier="platinum", program_id="zz")
    )
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


def test_requesters_never_see_another_organizations_request(client, auth):
    mine, theirs = RequesterFactory(), RequesterFactory()
    own = submit(mine, title="Our own request title")
    foreign = submit(theirs, title="Canary-7781 foreign request")
    auth.login(mine)
    listing = client.get("/requests?show=all").get_data(as_text=True)
    assert own.reference in listing and "Canary-7781" not in listing
    assert client.get(f"/requests/{foreign.reference}").status_code == 404
    token = csrf_token(client, "/requests")
    response = client.post(
        f"/requests/{foreign.reference}/stage",
        data={"csrf_token": token, "target": "in_progress", "version": "1"},
    )
    assert response.status_code == 404
    assert client.get("/queue").status_code == 403


def test_unknown_reference_is_a_404_page(client, auth):
    auth.login(UserFactory(role="staff"))
    response = client.get("/requests/TA-2026-9999")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "no request with that reference" in html


def page_version(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    return html.split('name="version" type="hidden" value="')[1].split('"')[0]


def test_lead_assigns_and_staff_moves_it_from_the_page(client, auth, app):
    staff, lead = UserFactory(role="staff"), UserFactory(role="lead")
    ref = submit(RequesterFactory()).reference
    auth.login(lead)
    page = f"/requests/{ref}"
    response = auth.post(
        f"{page}/assign",
        {"assignee_id": staff.id, "version": page_version(client, page), "note": "Knows NM"},
        form_page=page,
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(staff)
    html = client.get(page).get_data(as_text=True)
    assert "Start work" in html
    version = html.split('name="version" type="hidden" value="')[1].split('"')[0]
    response = auth.post(f"{page}/stage", {"target": "in_progress", "version": version}, form_page=page)
    assert response.status_code == 302
    assert "In progress" in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "note"),
    [
        ("declined", "Out of scope for us"),  # still a move from Triage: the version catches it
        ("triage", "Looks like Medicaid work"),  # no longer a move from Triage: not "Not a valid choice"
    ],
)
def test_a_stale_stage_form_is_a_409_that_keeps_the_note(client, auth, target, note):
    lead = UserFactory(role="lead")
    ref = submit(RequesterFactory()).reference
    auth.login(lead)
    page = f"/requests/{ref}"
    seen = page_version(client, page)
    assert (
        auth.post(f"{page}/stage", {"target": "triage", "version": seen}, form_page=page).status_code == 302
    )
    response = auth.post(f"{page}/stage", {"target": target, "version": seen, "note": note}, form_page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Not a valid choice" not in html
    assert "changed by someone else" in html and note in html


def test_queue_filters_and_ignores_unknown_values(client, auth):
    staff = UserFactory(role="staff")
    topic = TopicFactory()
    submit(RequesterFactory(), topic=topic, title="Alpha financing question")
    submit(RequesterFactory(), title="Beta workforce question", state="VT")
    auth.login(staff)
    html = client.get(f"/queue?topic={topic.id}").get_data(as_text=True)
    assert "Alpha financing" in html and "Beta workforce" not in html
    html = client.get("/queue?state=VT").get_data(as_text=True)
    assert "Beta workforce" in html and "Alpha financing" not in html
    for query in (
        "sort=password_hash",
        "stage=__class__",
        "page=-3",
        "assignee=1;drop",
        "topic=../../",
        "page=abc",
    ):
        assert client.get(f"/queue?{query}").status_code == 200, query


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert (report["database"], report["broker"]) == ("ok", "ok")


def test_json_clients_get_json_errors(client, auth):
    auth.login(UserFactory(role="staff"))
    response = client.get("/requests/TA-0000-0000", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "NotFound"
