"""Two-factor sign-in: forced enrolment of leads, leadership and admins, TOTP with a moved
clock and replay refused, single-use recovery codes, the admin's audited reset, throttling."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tacenter.audit.models import AuditEvent
from tacenter.extensions import db
from tacenter.twofactor import services
from tacenter.twofactor.models import RecoveryCode, TotpCredential
from tests.conftest import CSRF_RE, SECRET_RE, Auth, csrf_token
from tests.factories import PASSWORD, RequesterFactory, UserFactory
from tests.routes import login_path_of, routes, url_for_case

CODES_RE = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")
T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


def _password_step(client, user, password=PASSWORD):
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    shown = client.post(
        "/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": CSRF_RE.search(page).group(1)}
    )
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    return secret, CODES_RE.findall(shown.get_data(as_text=True))


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# The pages of enrolment itself: setting up an app, or a passkey instead.
ENROLMENT = {"twofactor.enrol", "twofactor.passkey_register_options", "twofactor.passkey_register"}


def _enrolled_two_minutes_ago(user, secret: str) -> None:
    past = datetime.now(UTC) - timedelta(minutes=2)
    services.enrol_totp(user, secret, pyotp.TOTP(secret).at(past), now=past)


def test_a_lead_reaches_no_page_before_enrolling(app, client):
    lead = UserFactory(role="lead", name="Lee Unenrolled", authenticator=False)
    response = _password_step(client, lead)
    assert response.headers["Location"].endswith("/login/enrol")
    token = csrf_token(client, "/login/enrol")
    walked = 0
    for route in routes(app):
        if route.endpoint in ENROLMENT:
            continue
        url = url_for_case(app, route, world=_NO_WORLD, case="none" if not route.arguments else "nonexistent")
        for method in route.methods:
            if method == "GET":
                answer = client.get(url)
            else:
                answer = client.open(url, method=method, data={"csrf_token": token}, json=None)
            walked += 1
            body = answer.get_data(as_text=True)
            where = f"{method} {url}"
            assert answer.status_code < 500, where
            assert "Lee Unenrolled" not in body and "Sign out" not in body, where
            if route.access_rule != "public":
                assert login_path_of(answer), f"{where} answered {answer.status_code} before enrolment"
    assert walked > 120
    # Still waiting at the enrolment page; setting up the app signs the lead in.
    _secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Lee Unenrolled" in client.get("/").get_data(as_text=True) or client.get("/").status_code == 302
    assert not login_path_of(client.get("/queue"))


class _World:
    ids: dict = {}


_NO_WORLD = _World()


def test_leadership_and_admin_are_forced_too_requesters_and_staff_are_not(client):
    for role in ("leadership", "admin"):
        fresh = client.application.test_client()
        user = UserFactory(role=role, authenticator=False)
        assert _password_step(fresh, user).headers["Location"].endswith("/login/enrol")
    staff, requester = UserFactory(role="staff"), RequesterFactory()
    for user in (staff, requester):
        fresh = client.application.test_client()
        assert _password_step(fresh, user).headers["Location"].endswith("/")
    # An admin setting requires it of everyone.
    from tacenter.center.services import save_center_settings

    admin = UserFactory(role="admin")
    save_center_settings("Center", actor=admin, require_two_factor_for_all=True)
    fresh = client.application.test_client()
    assert _password_step(fresh, staff).headers["Location"].endswith("/login/enrol")


def test_totp_with_a_moved_clock_and_reuse_refused(app):
    user = UserFactory(role="staff")
    secret = services.new_totp_secret()
    totp = pyotp.TOTP(secret)
    with pytest.raises(services.WrongCode):
        services.enrol_totp(user, secret, "000000" if totp.at(T0) != "000000" else "111111", now=T0)
    assert not services.has_totp(user.id)  # a wrong code enrols nothing
    codes = services.enrol_totp(user, secret, totp.at(T0), now=T0)
    assert len(codes) == 10
    later = T0 + timedelta(minutes=5)
    # The enrolment code was used: it cannot sign in, even within its window.
    assert not services.check_totp(user, totp.at(T0), now=T0 + timedelta(seconds=5))
    assert services.check_totp(user, totp.at(later), now=later)
    assert not services.check_totp(user, totp.at(later), now=later + timedelta(seconds=10))  # reused
    # One step of clock drift either way is accepted; two are not.
    assert services.check_totp(
        user, totp.at(later + timedelta(seconds=60)), now=later + timedelta(seconds=35)
    )
    assert not services.check_totp(user, totp.at(later), now=later + timedelta(minutes=3))
    assert not services.check_totp(
        user, totp.at(later + timedelta(minutes=9)), now=later + timedelta(minutes=3)
    )
    # An older step than the last accepted one is refused even inside the window.
    assert not services.check_totp(
        user, totp.at(later + timedelta(seconds=30)), now=later + timedelta(seconds=50)
    )


def test_sign_in_asks_for_the_code_and_refuses_a_replayed_one(app, client):
    staff = UserFactory(role="staff")
    secret = services.new_totp_secret()
    _enrolled_two_minutes_ago(staff, secret)
    auth = Auth(client)
    assert _password_step(client, staff).headers["Location"].endswith("/login/second-factor")
    assert login_path_of(client.get("/requests"))  # not signed in between the two steps
    code = pyotp.TOTP(secret).now()
    assert auth.post("/login/second-factor", {"code": code}).status_code == 302
    assert not login_path_of(client.get("/queue"))
    auth.logout()
    _password_step(client, staff)
    refused = auth.post("/login/second-factor", {"code": code})
    assert refused.status_code == 200 and "already used" in refused.get_data(as_text=True)
    assert login_path_of(client.get("/queue"))
    failures = _events("two_factor_failed")
    assert [(e.outcome, e.object_ref) for e in failures] == [("failure", str(staff.id))]
    assert secret not in str([vars(e) for e in _events("sign_in")])


def test_recovery_codes_are_single_use_and_stored_hashed(app, client):
    admin = UserFactory(role="admin", authenticator=False)
    _password_step(client, admin)
    _secret, codes = _enrol(client)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    auth = Auth(client)
    auth.logout()
    _password_step(client, admin)
    assert auth.post("/login/second-factor", {"code": codes[3].upper()}).status_code == 302
    assert not login_path_of(client.get("/admin/users"))
    auth.logout()
    _password_step(client, admin)
    assert auth.post("/login/second-factor", {"code": codes[3]}).status_code == 200
    assert services.recovery_codes_left(admin.id) == 9
    # A new set replaces the old one, audited.
    assert auth.post("/login/second-factor", {"code": codes[4]}).status_code == 302
    page = auth.post("/account/two-factor/recovery-codes", {}, form_page="/account/two-factor")
    fresh = CODES_RE.findall(page.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert services.recovery_codes_left(admin.id) == 10
    assert len(_events("recovery_codes_created")) == 1


def test_an_admin_resets_a_second_factor_audited_and_the_user_enrols_again(app, client):
    admin, lead = UserFactory(role="admin"), UserFactory(role="lead")
    lead_client = app.test_client()
    Auth(lead_client).login(lead)
    assert not login_path_of(lead_client.get("/queue"))
    auth = Auth(client)
    auth.login(admin)
    response = auth.post(f"/admin/users/{lead.id}/two-factor/reset", {}, form_page=f"/admin/users/{lead.id}")
    assert response.status_code == 302
    assert [(e.actor_id, e.object_ref) for e in _events("two_factor_reset")] == [(admin.id, str(lead.id))]
    assert (
        db.session.scalar(
            select(func.count()).select_from(TotpCredential).where(TotpCredential.user_id == lead.id)
        )
        == 0
    )
    assert login_path_of(lead_client.get("/queue"))  # signed out everywhere
    assert _password_step(app.test_client(), lead).headers["Location"].endswith("/login/enrol")


def test_wrong_codes_are_throttled_like_passwords(app, client):
    staff = UserFactory(role="staff")
    secret = services.new_totp_secret()
    _enrolled_two_minutes_ago(staff, secret)
    _password_step(client, staff)
    auth = Auth(client)
    statuses = [auth.post("/login/second-factor", {"code": "000001"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_the_second_step_expires(app, client):
    staff = UserFactory(role="staff")
    secret = services.new_totp_secret()
    _enrolled_two_minutes_ago(staff, secret)
    _password_step(client, staff)
    with client.session_transaction() as cookie:
        note = dict(cookie["pending_sign_in"])
        cookie["pending_sign_in"] = {**note, "at": note["at"] - 601}
    page = client.get("/login/second-factor").get_data(as_text=True)
    assert "has expired" in page
    assert "has expired" in client.get("/login/enrol").get_data(as_text=True)  # nobody pending either


def test_the_enrolment_page_shows_an_inline_qr_code(app, client):
    _password_step(client, UserFactory(role="lead", authenticator=False))
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0][-200:]
    wrong = Auth(client).post("/login/enrol", {"code": "12345x"})
    assert wrong.status_code == 200 and "does not match" in wrong.get_data(as_text=True)
    assert not services.is_enrolled(db.session.scalar(select(TotpCredential.user_id)) or 0)
