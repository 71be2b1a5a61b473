"""The JSON API's events resource (group TA) through a token, and the `event.delivered` webhook:
the same services, visibility rule and optimistic locking as the event pages."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.group_ta.models import EventAttendance
from tacenter.webhooks import services as webhooks
from tacenter.webhooks.models import WebhookDelivery
from tests.api_world import bearer, token_for
from tests.factories import OrganizationFactory, RequesterFactory, TopicFactory, UserFactory
from tests.webhook_receiver import Receiver


def _plan(client, headers, staff, **overrides):
    body = {
        "title": "DC:0-5 webinar",
        "event_type": "training",
        "tier": "universal",
        "event_date": "2025-10-14",
        "duration_hours": "1.5",
        "facilitator_ids": [staff.id],
        **overrides,
    }
    return client.post("/api/v1/events", json=body, headers=headers)


def test_staff_plan_record_attendance_edit_and_deliver_an_event(client):
    staff, topic = UserFactory(role="staff"), TopicFactory(name="Financing")
    orgs = [OrganizationFactory(name=f"Agency {i}") for i in range(2)]
    headers = bearer(token_for(staff))
    created = _plan(client, headers, staff, topic_ids=[topic.id])
    assert created.status_code == 201, created.get_data(as_text=True)
    event = created.get_json()
    assert event["status"] == "planned" and event["topics"] == [{"id": topic.id, "name": "Financing"}]
    url = f"/api/v1/events/{event['id']}"
    version = event["version"]
    for org in orgs:
        body = {"version": version, "organization_id": org.id, "participant_count": 7, "roles": "directors"}
        recorded = client.post(f"{url}/attendance", json=body, headers=headers)
        assert recorded.status_code == 201, recorded.get_data(as_text=True)
        version = client.get(url, headers=headers).get_json()["version"]
    twice = client.post(
        f"{url}/attendance",
        json={"version": version, "organization_id": orgs[0].id, "participant_count": 3},
        headers=headers,
    )
    assert twice.status_code == 400 and "already recorded" in twice.get_json()["detail"]
    stale = client.patch(url, json={"version": event["version"], "title": "Old page"}, headers=headers)
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    edited = client.patch(url, json={"version": version, "title": "DC:0-5 in practice"}, headers=headers)
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert edited.get_json()["title"] == "DC:0-5 in practice"
    assert edited.get_json()["topics"][0]["id"] == topic.id  # fields not sent keep their values
    delivered = client.post(
        f"{url}/delivered", json={"version": edited.get_json()["version"]}, headers=headers
    )
    assert delivered.status_code == 200 and delivered.get_json()["status"] == "delivered"
    assert sorted(a["participant_count"] for a in delivered.get_json()["attendance"]) == [7, 7]


def test_bad_input_is_a_problem_with_a_message_per_field(client):
    staff = UserFactory(role="staff")
    headers = bearer(token_for(staff))
    bad = _plan(client, headers, staff, duration_hours="-3", event_type="party")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "event_type" in bad.get_json()["errors"]["json"]
    hours = _plan(client, headers, staff, duration_hours="0.3")
    assert hours.status_code == 400 and "quarter-hour" in hours.get_json()["detail"]
    future = _plan(client, headers, staff, event_date=(date.today() + timedelta(days=30)).isoformat())
    event = future.get_json()
    early = client.post(f"/api/v1/events/{event['id']}/delivered", json={"version": event["version"]},
                        headers=headers)  # fmt: skip
    assert early.status_code == 400 and "future" in early.get_json()["detail"]
    lead = UserFactory(role="lead")
    not_staff = _plan(client, bearer(token_for(lead)), RequesterFactory())
    assert not_staff.status_code == 400 and "staff" in not_staff.get_json()["detail"]
    period = client.get("/api/v1/events?period=nonsense", headers=headers)
    assert period.status_code == 422 and "period" in period.get_json()["errors"]["query"]
    custom = client.get("/api/v1/events?period=custom&start=2026-02-01&end=2026-01-01", headers=headers)
    assert custom.status_code == 400 and "end date" in custom.get_json()["detail"]


def test_the_list_filters_by_type_topic_and_period_and_requesters_see_only_their_own(client):
    staff, topic = UserFactory(role="staff"), TopicFactory()
    headers = bearer(token_for(staff))
    requester = RequesterFactory()
    other_org = OrganizationFactory(name="Ohio canary agency")
    made = {
        "webinar": _plan(client, headers, staff, event_date="2025-10-14", topic_ids=[topic.id]),
        "meeting": _plan(client, headers, staff, event_type="meeting", event_date="2024-03-01"),
        "foreign": _plan(client, headers, staff, title="Ohio only", event_date="2025-11-01"),
    }
    ids = {k: v.get_json()["id"] for k, v in made.items()}
    for key, org in (("webinar", requester.organization), ("foreign", other_org)):
        version = client.get(f"/api/v1/events/{ids[key]}", headers=headers).get_json()["version"]
        body = {"version": version, "organization_id": org.id, "participant_count": 4}
        assert (
            client.post(f"/api/v1/events/{ids[key]}/attendance", json=body, headers=headers).status_code
            == 201
        )

    def listed(query, who=headers):
        answer = client.get(f"/api/v1/events{query}", headers=who)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {e["id"] for e in answer.get_json()}

    assert listed("?type=meeting") == {ids["meeting"]}
    assert listed(f"?topic={topic.id}") == {ids["webinar"]}
    assert listed("?period=fy2026") == {ids["webinar"], ids["foreign"]}  # Oct 2025 - Sep 2026
    assert listed("?start=2024-01-01&end=2024-12-31") == {ids["meeting"]}
    mine = bearer(token_for(requester))
    assert listed("", mine) == {ids["webinar"]}
    seen = client.get(f"/api/v1/events/{ids['webinar']}", headers=mine).get_json()
    assert [a["organization"]["id"] for a in seen["attendance"]] == [requester.organization_id]
    hidden = client.get(f"/api/v1/events/{ids['foreign']}", headers=mine)
    assert hidden.status_code == 404 and "Ohio" not in hidden.get_data(as_text=True)
    assert client.post(f"/api/v1/events/{ids['webinar']}/delivered", json={"version": 1},
                       headers=mine).status_code == 403  # fmt: skip


def test_delivering_an_event_sends_event_delivered_once_signed_and_without_names(client):
    admin, staff = UserFactory(role="admin"), UserFactory(role="staff")
    receiver = Receiver().start()
    try:
        webhooks.subscribe(receiver.url, ["event.delivered"], actor=admin)
        headers = bearer(token_for(staff))
        event = _plan(client, headers, staff, title="Private webinar title").get_json()
        org = OrganizationFactory(name="Secret agency")
        body = {"version": event["version"], "organization_id": org.id, "participant_count": 4}
        client.post(f"/api/v1/events/{event['id']}/attendance", json=body, headers=headers)
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0  # not yet
        version = client.get(f"/api/v1/events/{event['id']}", headers=headers).get_json()["version"]
        stale = client.post(f"/api/v1/events/{event['id']}/delivered", json={"version": 1}, headers=headers)
        assert stale.status_code == 409
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0  # rolled back
        ok = client.post(
            f"/api/v1/events/{event['id']}/delivered", json={"version": version}, headers=headers
        )
        assert ok.status_code == 200
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.event_type == "event.delivered" and delivery.ta_request_id is None
        data = json.loads(delivery.payload)["data"]
        assert data["event_id"] == event["id"] and data["url"].endswith(f"/api/v1/events/{event['id']}")
        assert "Private webinar" not in delivery.payload and "Secret agency" not in delivery.payload
        assert webhooks.deliver(delivery.id) == "delivered"
        assert webhooks.deliver(delivery.id) == "skipped"  # exactly once
        assert len(receiver.received) == 1
        assert db.session.scalar(select(func.count()).select_from(EventAttendance)) == 1
    finally:
        receiver.stop()


def test_a_demoted_owner_receives_no_event_delivered(client):
    admin, lead = UserFactory(role="admin"), UserFactory(role="lead")
    receiver = Receiver().start()
    try:
        webhooks.subscribe(receiver.url, ["event.delivered"], actor=admin)
        headers = bearer(token_for(lead))
        event = _plan(client, headers, UserFactory(role="staff")).get_json()
        client.post(
            f"/api/v1/events/{event['id']}/delivered", json={"version": event["version"]}, headers=headers
        )
        admin.role = "requester"
        db.session.commit()
        assert webhooks.deliver(db.session.scalar(select(WebhookDelivery.id))) == "skipped"
        assert receiver.received == []
    finally:
        receiver.stop()
