"""Schemathesis against the generated OpenAPI 3.1 document: every operation, with a seeded
database and an admin's read-write token. No 5xx, and every response matches the spec
(status, content type, headers, body schema). `make test` runs a few dozen examples per
operation; the `soak` marker runs hundreds."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from tests.api_world import token_for
from tests.conftest import make_app
from tests.routes import build_world

# The app under test: its own instance (the spec is read from it, through WSGI, as a client would),
# on the same database as the fixtures that seed it. (schemathesis' lazy fixture loader does not
# run on pytest 9, so the schema is loaded here.)
API_APP = make_app(API_RATE_LIMIT="100000/minute")
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", API_APP)
# positive_data_acceptance is left out: the business rules refuse some schema-valid input by
# design (a topic that is inactive, a move the workflow forbids, a cursor the API never gave):
# those answer 400/409/422 problems, which the other checks hold to the spec.
# negative_data_rejection is left out too (found by the soak run): the harness sends the token on
# every call, so a case generated "without the required Authorization header" still carries it and
# is rightly answered; the extra query parameter such cases also claim was never sent (their
# reproduction is `?end=2000-01-01` alone). Unknown query parameters are a 422 (the test below).
EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]
SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck)}


@pytest.fixture
def admin_token(app):
    world = build_world()
    return token_for(world.users["admin"])


def test_the_generated_spec_is_valid_openapi_3_1(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    operations = [(m, p) for p, item in spec["paths"].items() for m in item if m in ("get", "post", "patch")]
    assert len(operations) >= 15
    print(f"\nOpenAPI 3.1: {len(operations)} operations")


def test_an_unknown_query_parameter_is_a_422_problem(client, admin_token):
    for query in ("foo=1", "end=2000-01-01&foo=", "=x"):
        answer = client.get(f"/api/v1/events?{query}", headers={"Authorization": f"Bearer {admin_token}"})
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", query
        assert "Unknown field." in str(answer.get_json()["errors"]["query"])


@schema.parametrize()
@settings(max_examples=20, **SETTINGS)
def test_every_operation_answers_within_its_spec(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, excluded_checks=EXCLUDED)


@pytest.mark.soak
@schema.parametrize()
@settings(max_examples=300, **SETTINGS)
def test_every_operation_answers_within_its_spec_soak(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, excluded_checks=EXCLUDED)


def test_an_id_filter_beyond_the_id_columns_range_matches_nothing_rather_than_failing(client, admin_token):
    """Found by the soak run on PostgreSQL: `assignee=8824101527` (past a 32-bit id) was a 500."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    answer = client.get("/api/v1/requests?assignee=8824101527&state=NC", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["items"] == []
