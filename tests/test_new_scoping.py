"""S2/S3 on group TA, outcomes, surveys, the API and webhooks (quality.md, issue #20).

Two organizations each have an event, a collaborative, a request with survey answers, a follow-up
and plan objectives. Every text of organization B's carries a canary; a requester of A must never
meet one, on any page, list or API answer. Participants' post-event answers stay anonymous, and
webhook payloads carry no titles or names.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tacenter.extensions import db
from tests.api_world import bearer, token_for
from tests.conftest import Auth
from tests.routes import FOREIGN, FOREIGN_CANARY, build_world, object_cases, routes, url_for_case

CANARY = "Canary-Zebra-5521"  # in every text of B's events, surveys and objectives
EVENT_DAY = datetime(2025, 11, 5, 18, 0, tzinfo=UTC)


class _Form(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def _seed_b(world) -> None:
    """B's event material, objectives, survey answers and an anonymous participant's answer."""
    from tacenter.delivery.models import PlanGoal
    from tacenter.event_surveys.services import answer_event_survey
    from tacenter.group_ta.materials import add_material
    from tacenter.outcomes.models import ObjectiveChange, PlanObjective
    from tacenter.surveys.answers import save_submission
    from tacenter.surveys.instruments import ensure_version

    lead = world.users["lead"]
    event, cohort = world.objects["foreign_event"], world.objects["foreign_collaborative"]
    event.description = f"{CANARY} event description"
    cohort.description = f"{CANARY} cohort description"
    for key in ("own_event", "foreign_event"):  # delivered: the SAMHSA event file lists them
        world.objects[key].status = "delivered"
    db.session.commit()
    add_material(event.id, f"{CANARY} slides", "https://example.org/slides", actor=lead)
    foreign = world.objects["foreign_request"]
    goal = PlanGoal(ta_request_id=foreign.id, description=f"{CANARY} goal", created_at=EVENT_DAY)
    db.session.add(goal)
    db.session.flush()
    objective = PlanObjective(ta_request_id=foreign.id, goal_id=goal.id, description=f"{CANARY} objective")
    db.session.add(objective)
    db.session.flush()
    db.session.add(ObjectiveChange(objective_id=objective.id, ta_request_id=foreign.id, status="in_progress",
                                   note=f"{CANARY} note", evidence=f"{CANARY} evidence"))  # fmt: skip
    for kind, purpose in (("post_request", "post_request"), ("follow_up", "follow_up_30")):
        version = ensure_version(kind)
        texts = {i.code: f"{CANARY} {i.code}" for i in version.items if i.kind in ("text", "link")}
        who = world.objects["other_requester"].id
        save_submission(version, texts, purpose=purpose, ta_request_id=foreign.id,
                        respondent_id=who, locale="en", now=EVENT_DAY)  # fmt: skip
    db.session.commit()
    good = {"item-quality": "5", "item-relevance": "4", "item-usefulness": "5", "item-satisfaction": "4",
            "item-intent_to_use": "yes", "item-comment": f"{CANARY} participant comment"}  # fmt: skip
    for event_key in ("own_event", "foreign_event"):
        submission, errors = answer_event_survey(
            world.objects[event_key],
            _Form(good),
            browser_key=f"browser-{event_key}",
            locale="en",
            now=EVENT_DAY,
        )
        assert errors == {} and submission is not None


@pytest.fixture
def world(app):
    # Function scope: conftest empties every table after each test.
    made = build_world()
    _seed_b(made)
    return made


def _canaries(body: bytes) -> list[str]:
    return [c for c in (CANARY, FOREIGN_CANARY) if c.encode() in body]


def test_a_requester_meets_no_canary_of_another_organization_on_any_page(app, world):
    """Every GET page a requester may open (events, collaboratives, their own pages), with their
    own objects and nonexistent ones; B's objects answer 404 and show nothing either."""
    client = app.test_client()
    Auth(client).login(world.users["requester"])
    failures, opened = [], 0
    for route in routes(app):
        if "GET" not in route.methods or not route.allows("requester"):
            continue
        for case in object_cases(route, world):
            url = url_for_case(app, route, world, case)
            response = client.get(url)
            opened += 1
            if found := _canaries(response.get_data()):
                failures.append(f"{url} ({case}): {found}")
            if (
                case == FOREIGN
                and route.arguments
                and response.status_code == 200
                and ({"event_id", "collaborative_id", "reference"} & set(route.arguments))
            ):
                failures.append(f"{url}: another organization's object answered 200")
    assert not failures, "\n".join(failures)
    assert opened > 30
    # The lists themselves show A's own event and collaborative (the check above can fail).
    events = client.get("/events").get_data(as_text=True)
    cohorts = client.get("/collaboratives").get_data(as_text=True)
    assert world.objects["own_event"].title in events and world.objects["own_collaborative"].name in cohorts


def test_the_api_shows_a_requester_no_canary_of_another_organization(app, world):
    client = app.test_client()
    headers = bearer(token_for(world.users["requester"], scope="read"))
    own_event, foreign_event = world.objects["own_event"], world.objects["foreign_event"]
    answers = {
        "/api/v1/events": 200,
        f"/api/v1/events/{own_event.id}": 200,
        f"/api/v1/events/{foreign_event.id}": 404,
        "/api/v1/requests": 200,
        f"/api/v1/requests/{world.objects['foreign_request'].reference}": 404,
        "/api/v1/survey-answers": 403,
    }
    for url, status in answers.items():
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        assert _canaries(response.get_data()) == [], url
    listed = client.get("/api/v1/events", headers=headers).get_data(as_text=True)
    assert own_event.title in listed


def test_staff_survey_answers_over_the_api_carry_no_respondent(app, world):
    response = app.test_client().get("/api/v1/survey-answers", headers=bearer(token_for(world.users["lead"])))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and CANARY in body  # staff see the answers themselves
    assert "respondent" not in body and world.objects["other_requester"].email not in body


def test_webhook_payloads_carry_no_titles_or_names(app, world):
    from tacenter.webhooks.models import WebhookDelivery

    payloads = db.session.scalars(select(WebhookDelivery.payload)).all()
    assert payloads, "the world's requests made no webhook delivery"
    people = [u.name for u in (*world.users.values(), world.objects["other_requester"])]
    for payload in payloads:
        json.loads(payload)
        for secret in (CANARY, FOREIGN_CANARY, "Medicaid billing", *people):
            assert secret not in payload


def test_post_event_answers_store_no_respondent_and_no_address(app, world):
    from tacenter.surveys.models import SurveySubmission

    rows = db.session.scalars(select(SurveySubmission).where(SurveySubmission.event_id.is_not(None))).all()
    assert len(rows) == 2
    columns = {c.name for c in SurveySubmission.__table__.columns}
    assert not {c for c in columns if "ip" in c.split("_") or "address" in c or "agent" in c}
    for row in rows:
        assert row.respondent_id is None and row.ta_request_id is None
        assert row.browser_key and "browser-" not in row.browser_key  # hashed, never the cookie


def test_outcome_exports_have_no_column_identifying_a_participant(app, world):
    from tacenter.outcomes.samhsa_map import FORMS

    client = app.test_client()
    Auth(client).login(world.users["leadership"])
    # Counts ("Participants", "Organizations") are aggregates; a column naming a person is not.
    identifying = re.compile(
        r"name|e-?mail|respondent|user|browser|^ip|address|phone|organization(id)?$", re.I
    )
    period = "?period=custom&start=2025-01-01&end=2026-12-31"
    for form in ("post_event", "event_description"):
        assert form in FORMS
        response = client.get(f"/reports/outcomes/samhsa/{form}.csv{period}")
        assert response.status_code == 200, form
        text = response.get_data(as_text=True)
        table = list(csv.reader(io.StringIO(text)))
        header = next(r for r in table if "EventID" in r or "RecordID" in r)
        assert [h for h in header if identifying.search(h)] == [], form
        assert len(table) > table.index(header) + 1, f"{form}: no rows, the check proves nothing"
        people = [u.name for u in (*world.users.values(), world.objects["other_requester"])]
        assert not [p for p in people if p in text] and "browser-" not in text
    overview = client.get(f"/reports/outcomes/{period}")
    assert overview.status_code == 200 and CANARY not in overview.get_data(as_text=True)
