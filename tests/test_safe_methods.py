"""GET changes nothing, and no view is exempt from CSRF (quality.md S6, D9, D14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.demo.seed import seed_demo
from tacenter.extensions import csrf, db
from tacenter.intake.models import TARequest
from tests.fingerprint import database_fingerprint


def get_routes(app, reference: str) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if set(rule.arguments) <= {"reference"}:
            paths.append(rule.build({"reference": reference} if rule.arguments else {})[1])
    return paths


@pytest.mark.parametrize("role", ["anonymous", "requester", "staff", "lead", "leadership", "admin"])
def test_every_get_leaves_the_database_unchanged(app, client, auth, role):
    seed_demo(request_count=20)
    reference = db.session.scalar(select(TARequest.reference).order_by(TARequest.id))
    if role != "anonymous":
        user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
        auth.login(user, password="demo-password")
    before = database_fingerprint()
    for path in get_routes(app, reference):
        client.get(path)
        assert database_fingerprint() == before, f"GET {path} as {role} changed the database"


def test_no_view_is_exempt_from_csrf_but_the_token_only_api(app):
    """The JSON API's blueprints are exempt: they take no cookie, only a bearer token (a request with
    only the cookie is a 401, tests/test_api_tokens.py), so a cross-site form has nothing to ride on."""
    assert not csrf._exempt_views
    exempt = {bp.name for bp in csrf._exempt_blueprints}
    assert exempt == {"api_requests", "api_request_actions", "api_directory", "api_events"}
    assert all(bp.url_prefix.startswith("/api/v1") for bp in csrf._exempt_blueprints)
