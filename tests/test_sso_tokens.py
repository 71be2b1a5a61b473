"""The ID token's checks: a provider we play ourselves (tests/oidc FakeProvider) answers the code
with tokens signed by the test: expired, signed by another key, for another audience, with
another nonce, from another issuer. Each leaves the person signed out, told, and audited."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tacenter.audit.models import AuditEvent
from tacenter.extensions import db
from tests.conftest import make_app
from tests.factories import UserFactory
from tests.oidc import CLIENT_ID, FakeProvider
from tests.sites import _dispose

BASE = "http://localhost"
DIDNT_COMPLETE = "Single sign-on did not complete. Start again from the sign-in page."


@pytest.fixture(scope="module")
def fake(app):
    with FakeProvider() as provider:
        provider.site = make_app(BASE_URL=BASE, OIDC_PROVIDERS={"fake": provider.app_settings()})
        yield provider
        _dispose(provider.site)


def _start(client) -> dict:
    """Start a sign-in; the authorization request's parameters (state, nonce, PKCE challenge)."""
    location = client.get("/sso/fake/start").headers["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def _claims(fake, request: dict, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": fake.issuer,
        "sub": "subject-1",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": request["nonce"],
        "email": "sam.staff@center.test",
        "email_verified": True,
    }
    claims.update(changes)
    return claims


def _signed_in(client) -> bool:
    return client.get("/account/sessions").status_code == 200


def _sign_in_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")))


def test_a_good_token_signs_in(fake):
    """The control: the same path with a right token works (so the refusals below are the
    token's doing, not the set-up's)."""
    UserFactory(role="staff", email="sam.staff@center.test")
    client = fake.site.test_client()
    request = _start(client)
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) == 43
    fake.answers["code-good"] = {"id_token": fake.sign(_claims(fake, request))}
    response = client.get(f"/sso/fake/callback?code=code-good&state={request['state']}")
    assert response.status_code == 302 and _signed_in(client)
    assert [(e.outcome, e.detail) for e in _sign_in_events()] == [("success", "sso:fake")]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("expired", "expired"),
        ("mis-signed", "BadSignatureError"),
        ("wrong audience", "'aud'"),
        ("wrong audience, our azp", "'aud'"),
        ("wrong nonce", "nonce"),
        ("wrong issuer", "iss"),
        ("no ID token", "no ID token"),
    ],
)
def test_a_bad_id_token_is_refused(fake, case, reason):
    UserFactory(role="staff", email="sam.staff@center.test")
    client = fake.site.test_client()
    request = _start(client)
    now = int(time.time())
    token = {
        "expired": lambda: fake.sign(_claims(fake, request, iat=now - 7200, exp=now - 3600)),
        "mis-signed": lambda: fake.sign(_claims(fake, request), key=fake.stranger),
        "wrong audience": lambda: fake.sign(_claims(fake, request, aud="another-app")),
        "wrong audience, our azp": lambda: fake.sign(
            _claims(fake, request, aud="another-app", azp=CLIENT_ID)
        ),
        "wrong nonce": lambda: fake.sign(_claims(fake, request, nonce="another-nonce")),
        "wrong issuer": lambda: fake.sign(_claims(fake, request, iss="http://127.0.0.1:1")),
        "no ID token": lambda: None,
    }[case]()
    code = "code-" + "".join(ch for ch in case if ch.isalpha())
    fake.answers[code] = {"id_token": token} if token else {}
    response = client.get(f"/sso/fake/callback?code={code}&state={request['state']}")
    assert response.status_code == 400
    assert DIDNT_COMPLETE in response.get_data(as_text=True)
    assert not _signed_in(client)
    [event] = _sign_in_events()
    assert event.outcome == "failure" and event.detail.startswith("sso:fake: ")
    assert reason in event.detail, event.detail
    assert token is None or token not in event.detail
