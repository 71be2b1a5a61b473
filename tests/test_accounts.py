from datetime import timedelta
from types import SimpleNamespace

from freezegun import freeze_time
from sqlalchemy import select

from tacenter.accounts.models import LoginSession, User
from tacenter.accounts.services import deactivate_user
from tests.conftest import csrf_token
from tests.factories import PASSWORD, OrganizationFactory, RequesterFactory, UserFactory


def test_sign_in_lands_on_the_role_home_and_sign_out_ends_the_session(client, auth):
    user = RequesterFactory()
    auth.login(user)
    home = client.get("/")
    assert home.status_code == 200 and "Request TA" in home.get_data(as_text=True)
    auth.logout()
    assert client.get("/requests").status_code == 302


def test_a_cookie_copied_before_sign_out_no_longer_works(app, client, auth):
    user = UserFactory(role="staff")
    auth.login(user)
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/queue")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_in_issues_a_new_session(client, auth):
    client.get("/login")
    before = client.get_cookie("session").value
    auth.login(UserFactory())
    assert client.get_cookie("session").value != before


def test_deactivation_ends_sessions_on_the_next_request(client, auth, db_session):
    user, admin = UserFactory(role="staff"), UserFactory(role="admin")
    auth.login(user)
    assert client.get("/queue").status_code == 200
    deactivate_user(user.id, actor=admin)
    assert client.get("/queue").status_code == 302
    assert db_session.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None


def test_idle_and_absolute_session_limits(client, auth):
    with freeze_time("2026-03-02 09:00:00") as clock:
        auth.login(UserFactory(role="staff"))
        clock.tick(timedelta(minutes=29))
        assert client.get("/queue").status_code == 200
        clock.tick(timedelta(minutes=31))
        assert client.get("/queue").status_code == 302  # idle for 31 minutes
    with freeze_time("2026-03-03 09:00:00") as clock:
        auth.login(UserFactory(role="staff"))
        for _ in range(25):  # active all day, never idle
            clock.tick(timedelta(minutes=29))
            status = client.get("/queue").status_code
        assert status == 302  # 12 hours after sign-in


def test_wrong_password_is_refused_with_a_message_and_email_kept(client):
    user = UserFactory()
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": user.email, "password": "wrong-password", "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "do not match an active account" in html
    assert f'value="{user.email}"' in html


def test_login_is_throttled_per_account(client):
    user = UserFactory()
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login", data={"email": user.email, "password": "nope-nope", "csrf_token": token}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    # the right password is throttled too until the window passes: no hint to the guesser
    assert (
        client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 429
    )


def test_email_is_case_insensitive(client, auth):
    UserFactory(email="mixed@example.org")
    auth.login(SimpleNamespace(email="  Mixed@Example.ORG"))  # as typed at sign-in


def test_next_only_redirects_within_the_site(client):
    user = UserFactory()
    for target, expected in [
        ("/queue", "/queue"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        client.get("/login")
        token = csrf_token(client)
        response = client.post(
            f"/login?next={target}", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/queue")})


def test_registration_founds_a_new_organization_but_cannot_join_an_existing_one(client, db_session):
    existing = OrganizationFactory(name="Ohio Project LAUNCH")
    form = {
        "name": "Ana",
        "email": "ana@example.org",
        "organization_name": "ohio project launch",
        "org_type": "samhsa_grantee",
        "state": "OH",
        "password": "long enough pass",
        "confirm": "long enough pass",
    }
    response = client.post("/register", data={**form, "csrf_token": csrf_token(client, "/register")})
    assert "already has an account" in response.get_data(as_text=True)
    assert db_session.scalar(select(User).where(User.email == "ana@example.org")) is None
    form["organization_name"] = "Ohio Early Childhood Coalition"
    response = client.post("/register", data={**form, "csrf_token": csrf_token(client, "/register")})
    assert response.status_code == 302
    user = db_session.scalar(select(User).where(User.email == "ana@example.org"))
    assert user.role == "requester" and user.organization_id != existing.id


def test_posts_without_a_csrf_token_are_refused(client, auth):
    auth.login(UserFactory(role="lead"))
    assert client.post("/logout").status_code == 400
    assert client.get("/queue").status_code == 200  # still signed in


def test_common_and_guessable_passwords_are_refused_long_ones_accepted(db_session):
    import pytest

    from tacenter.accounts.services import create_user
    from tacenter.errors import DomainError

    for weak in ("password123", "qwertyuiop", "shortpw"):
        with pytest.raises(DomainError):
            create_user("weak@example.org", "Weak", "staff", weak)
    long_one = "a sentence that is long enough to be a passphrase " * 3  # 150 characters, not truncated
    user = create_user("strong@example.org", "Strong", "staff", long_one)
    from tacenter.accounts.passwords import verify_password

    assert verify_password(user.password_hash, long_one)
    assert not verify_password(user.password_hash, long_one[:72])


def test_forwarded_addresses_are_trusted_only_behind_a_configured_proxy():
    from flask import request

    from tests.conftest import make_app

    def seen_address(proxy_count: int) -> str:
        application = make_app(PROXY_COUNT=proxy_count)
        application.add_url_rule("/test-whoami", "whoami", lambda: request.remote_addr)
        response = application.test_client().get(
            "/test-whoami",
            headers={"X-Forwarded-For": "6.6.6.6, 1.2.3.4"},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        return response.get_data(as_text=True)

    assert seen_address(0) == "10.0.0.9"  # no proxy: a client cannot choose its address
    assert seen_address(1) == "1.2.3.4"  # one proxy: only the entry it added is believed
