"""The JSON API's requests resource, through a token: the same services and rules as the pages."""

from __future__ import annotations

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tests.api_world import bearer, token_for
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit


def test_requester_submits_reads_and_lists_only_their_organization(client):
    topic = TopicFactory()
    requester, other = RequesterFactory(), RequesterFactory()
    foreign = submit(other, topic, title="Ohio canary request")
    headers = bearer(token_for(requester))
    body = {
        "title": "Screening tools",
        "description": "Which screening tool?",
        "topic_ids": [topic.id],
        "state": "NM",
        "submission_token": "api-token-0001",
    }
    created = client.post("/api/v1/requests", json=body, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    again = client.post("/api/v1/requests", json=body, headers=headers)
    assert again.get_json()["reference"] == created.get_json()["reference"]  # idempotent
    reference = created.get_json()["reference"]
    listed = client.get("/api/v1/requests?stage=all", headers=headers).get_json()
    assert [r["reference"] for r in listed["items"]] == [reference]
    assert client.get(f"/api/v1/requests/{reference}", headers=headers).status_code == 200
    missing = client.get(f"/api/v1/requests/{foreign.reference}", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert "canary" not in missing.get_data(as_text=True)


def test_cursor_pages_through_every_request_once_in_each_sort(client):
    topic, requester = TopicFactory(), RequesterFactory()
    for i in range(7):
        submit(requester, topic, title=f"Request {i}")
    headers = bearer(token_for(UserFactory(role="staff")))
    for sort in ("oldest", "newest", "needed_by", "updated"):
        seen, cursor = [], None
        while True:
            url = f"/api/v1/requests?limit=3&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
            page = client.get(url, headers=headers).get_json()
            seen += [r["reference"] for r in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 7, sort
    bad = client.get("/api/v1/requests?cursor=not-a-cursor", headers=headers)
    assert bad.status_code == 422 and "cursor" in bad.get_json()["errors"]["query"]


def test_stale_version_is_a_409_and_changes_nothing(client):
    topic, requester = TopicFactory(), RequesterFactory()
    ta_request = submit(requester, topic)
    headers = bearer(token_for(UserFactory(role="staff")))
    url = f"/api/v1/requests/{ta_request.reference}"
    version = client.get(url, headers=headers).get_json()["version"]
    ok = client.patch(url, json={"version": version, "title": "Clearer title"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["title"] == "Clearer title"
    stale = client.patch(url, json={"version": version, "title": "Lost update"}, headers=headers)
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    db.session.expire_all()
    assert db.session.scalar(select(TARequest.title)) == "Clearer title"


def test_bad_input_gets_a_message_per_field_never_a_500(client):
    headers = bearer(token_for(RequesterFactory()))
    response = client.post(
        "/api/v1/requests", json={"title": "", "state": "ZZ", "topic_ids": ["x"]}, headers=headers
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert {"title", "state", "topic_ids", "description"} <= set(errors)
    assert client.post(
        "/api/v1/requests", data="{not json", headers={**headers, "Content-Type": "application/json"}
    ).status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(TARequest)) == 0


def test_staff_move_assign_reply_note_and_log_an_activity(client):
    topic, requester = TopicFactory(), RequesterFactory()
    staff, lead = UserFactory(role="staff"), UserFactory(role="lead")
    ta_request = submit(requester, topic)
    ref = ta_request.reference
    lead_h, staff_h = bearer(token_for(lead)), bearer(token_for(staff))
    version = client.get(f"/api/v1/requests/{ref}", headers=lead_h).get_json()["version"]
    assigned = client.post(
        f"/api/v1/requests/{ref}/assignment",
        json={"version": version, "assignee_id": staff.id},
        headers=lead_h,
    )
    assert assigned.status_code == 200, assigned.get_data(as_text=True)
    assert assigned.get_json()["assignee"]["id"] == staff.id
    version = assigned.get_json()["version"]
    moved = client.post(
        f"/api/v1/requests/{ref}/stage", json={"version": version, "target": "in_progress"}, headers=staff_h
    )
    assert moved.status_code == 200 and moved.get_json()["stage"] == "in_progress"
    assert (
        client.post(f"/api/v1/requests/{ref}/replies", json={"body": "Hello"}, headers=staff_h).status_code
        == 201
    )
    assert (
        client.post(f"/api/v1/requests/{ref}/notes", json={"body": "Internal"}, headers=staff_h).status_code
        == 201
    )
    logged = client.post(
        f"/api/v1/requests/{ref}/activities",
        headers=staff_h,
        json={"activity_date": "2020-01-02", "hours": "1.5", "mode": "virtual_meeting"},
    )
    assert logged.status_code == 201 and logged.get_json()["hours"] == "1.50"
    # A requester's token cannot write an internal note (403), and reads no note anywhere.
    req_h = bearer(token_for(requester))
    assert client.post(f"/api/v1/requests/{ref}/notes", json={"body": "x"}, headers=req_h).status_code == 403
    assert "Internal" not in client.get(f"/api/v1/requests/{ref}", headers=req_h).get_data(as_text=True)


def test_each_listed_request_reads_as_its_own_answer_does(client):
    """The list serializes plain rows (api/request_rows.py), the single answer the request itself:
    the same JSON, related records, topics in order and empty ones included."""
    from tacenter.catalog.models import GrantProgram
    from tacenter.intake.services import submit_request
    from tests.factories import caseload_request, draft

    program = GrantProgram(name="Project LAUNCH")
    db.session.add(program)
    db.session.commit()
    requester = RequesterFactory()
    topics = [TopicFactory(name=name) for name in ("Workforce", "Financing", "Home visiting")]
    submit_request(draft([t.id for t in topics], program_id=program.id, needed_by=None),
                   submission_token="api-list-1", actor=requester)  # fmt: skip
    caseload_request(UserFactory(name="Ana <Specialist>"), requester=requester, title="On Ana's caseload")
    headers = bearer(token_for(UserFactory(role="staff")))
    listed = client.get("/api/v1/requests?sort=oldest", headers=headers).get_json()["items"]
    assert len(listed) == 2
    for item in listed:
        assert item == client.get(f"/api/v1/requests/{item['reference']}", headers=headers).get_json()
    first, second = listed
    assert [t["name"] for t in first["topics"]] == ["Financing", "Home visiting", "Workforce"]
    assert first["program"]["name"] == "Project LAUNCH" and first["assignee"] is None
    assert second["assignee"]["name"] == "Ana <Specialist>" and second["topics"] == []
