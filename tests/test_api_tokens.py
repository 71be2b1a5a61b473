"""Personal access tokens: shown once and stored hashed, act as their user only, expire, are
revoked, read-only means read-only, the cookie never stands in for one, and each is rate limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from tacenter.api import tokens
from tacenter.api.models import ApiToken
from tacenter.audit.models import AuditEvent
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tests.api_world import bearer, token_for
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_token_is_stored_only_as_its_hash_and_audited(client):
    user = UserFactory(role="staff")
    token, secret = tokens.create_token("Evaluation export", "read", 90, actor=user)
    assert secret.startswith("tac_") and len(secret) > 40
    assert secret not in repr([tuple(r) for r in db.session.execute(select(ApiToken.__table__))])
    assert token.expires_at - token.created_at == timedelta(days=90)
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions == ["api_token_created"] and secret not in repr(
        list(db.session.scalars(select(AuditEvent.detail)))
    )
    with pytest.raises(DomainError):
        tokens.create_token("Too long", "read", 366, actor=user)
    with pytest.raises(DomainError):
        tokens.create_token("Bad scope", "admin", 30, actor=user)


def test_expired_and_revoked_tokens_are_refused_and_last_use_is_recorded(client):
    user = UserFactory(role="staff")
    token, secret = tokens.create_token("Short", "read", 1, actor=user)
    assert client.get("/api/v1/topics", headers=bearer(secret)).status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None
    with freeze_time(token.expires_at + timedelta(seconds=1)):
        assert client.get("/api/v1/topics", headers=bearer(secret)).status_code == 401
    tokens.revoke_token(token.id, actor=user)
    response = client.get("/api/v1/topics", headers=bearer(secret))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "api_token_revoked" in list(db.session.scalars(select(AuditEvent.action)))


def test_a_deactivated_users_token_stops_at_once(client):
    user = UserFactory(role="staff")
    secret = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/topics", headers=bearer(secret)).status_code == 401


def test_a_read_only_token_cannot_write(client):
    requester, topic = RequesterFactory(), TopicFactory()
    secret = token_for(requester, scope="read")
    body = {"title": "T", "description": "D", "topic_ids": [topic.id], "state": "NM"}
    response = client.post("/api/v1/requests", json=body, headers=bearer(secret))
    assert response.status_code == 403 and "read-only" in response.get_json()["detail"]
    assert _count(TARequest) == 0
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200


def test_the_session_cookie_is_never_accepted(client, auth):
    requester, topic = RequesterFactory(), TopicFactory()
    submit(requester, topic)
    auth.login(requester)
    assert client.get("/requests").status_code == 200  # signed in on the pages
    assert client.get("/api/v1/requests").status_code == 401
    body = {"title": "T", "description": "D", "topic_ids": [topic.id], "state": "NM"}
    assert client.post("/api/v1/requests", json=body).status_code == 401
    assert _count(TARequest) == 1


def test_only_the_owner_or_an_admin_revokes_and_admins_see_every_token(client):
    owner, other, admin = UserFactory(role="staff"), UserFactory(role="staff"), UserFactory(role="admin")
    token, _ = tokens.create_token("Mine", "read_write", 30, actor=owner)
    with pytest.raises(NotFound):
        tokens.revoke_token(token.id, actor=other)
    assert [t.id for t in tokens.all_tokens()] == [token.id]
    assert tokens.revoke_token(token.id, actor=admin).revoked_at is not None


def test_each_token_has_its_own_rate_limit_with_headers(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    first, second = token_for(UserFactory(role="staff")), token_for(UserFactory(role="staff"))
    answers = [client.get("/api/v1/topics", headers=bearer(first)) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Policy"] == '"per-token";q=3;w=60'
    assert answers[1].headers["RateLimit"].startswith('"per-token";r=1;')
    assert int(answers[3].headers["Retry-After"]) <= 60
    assert answers[3].mimetype == "application/problem+json"
    assert client.get("/api/v1/topics", headers=bearer(second)).status_code == 200


def test_the_account_page_creates_a_token_shown_once_and_revokes_it(client, auth):
    from tests.conftest import csrf_token

    requester = RequesterFactory()
    auth.login(requester)
    page = client.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_token(client, "/account/tokens"),
            "name": "Export",
            "scope": "read",
            "expires_in_days": "30",
        },
    )
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # shown once
    too_long = client.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_token(client, "/account/tokens"),
            "name": "X",
            "scope": "read",
            "expires_in_days": "400",
        },
    )
    assert too_long.status_code == 400
    token_id = db.session.scalar(select(ApiToken.id))
    revoked = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/account/tokens")}
    )
    assert revoked.status_code == 302
    assert client.get("/api/v1/requests", headers=bearer(secret)).status_code == 401
