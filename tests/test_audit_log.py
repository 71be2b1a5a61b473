"""The audit log: one event per audited action, never a secret, a chain that detects edits."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import func, select

from tacenter.accounts.models import LoginSession
from tacenter.audit.models import AuditEvent
from tacenter.extensions import db
from tacenter.files.services import Upload, attach_files
from tests.conftest import csrf_token
from tests.factories import (
    PASSWORD,
    OrganizationFactory,
    TopicFactory,
    UserFactory,
    request_in_progress,
)

WRONG_PASSWORD = "Zebra-wrong-password-9177"
NOTE_BODY = "Secret-note-body-4471 about a family"
FILE_CONTENT = b"%PDF-1.4\nSecret-file-content-5521\n%%EOF\n"


def _last_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


@contextmanager
def exactly_one(action: str, outcome: str = "success"):
    before = _last_id()
    yield
    db.session.expire_all()
    new = db.session.execute(
        select(AuditEvent.action, AuditEvent.outcome).where(AuditEvent.id > before).order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in new] == [(action, outcome)]


def _session_token(client) -> str:
    with client.session_transaction() as cookie:
        return cookie["sid"]


def test_every_audited_action_records_exactly_one_event_and_never_a_secret(app, client, auth):
    from tacenter.accounts.recovery import request_reset
    from tacenter.conversation.services import post_reply
    from tacenter.invitations.services import invite_user
    from tacenter.routing.profiles import save_settings
    from tacenter.timeliness.services import set_target

    admin = UserFactory(role="admin", email="ada@tacenter.example")
    ta_request, requester, staff, lead = request_in_progress()
    foreign, *_ = request_in_progress()
    (attachment,) = attach_files(ta_request.reference, [Upload("plan.pdf", FILE_CONTENT)], actor=requester)
    post_reply(ta_request.reference, NOTE_BODY, actor=requester)
    topic, org = TopicFactory(), OrganizationFactory()
    target = UserFactory(role="staff")
    _, invitation_token = invite_user("new@cyfd.example", "requester", actor=admin, organization_id=org.id)
    secrets = [PASSWORD, WRONG_PASSWORD, NOTE_BODY, "Secret-file-content-5521", invitation_token]

    with exactly_one("sign_in", "failure"):
        client.post(
            "/login",
            data={"email": admin.email, "password": WRONG_PASSWORD, "csrf_token": csrf_token(client)},
        )
    with exactly_one("sign_in"):
        auth.login(admin)
    secrets.append(_session_token(client))
    with exactly_one("role_changed"):
        auth.post(f"/admin/users/{target.id}/role", {"role": "lead"}, form_page=f"/admin/users/{target.id}")
    with exactly_one("organization_created"):
        auth.post("/admin/organizations/new", {"name": "Guam BHWC", "org_type": "other", "state": "GU"})
    with exactly_one("organization_changed"):
        auth.post(
            f"/admin/organizations/{org.id}", {"name": "Renamed org", "org_type": "other", "state": "NM"}
        )
    with exactly_one("settings_changed"):
        auth.post("/admin/topics/new", {"name": "Reflective supervision", "active": "y"})
    with exactly_one("settings_changed"):
        auth.post(f"/admin/topics/{topic.id}", {"name": topic.name}, form_page=f"/admin/topics/{topic.id}")
    with exactly_one("settings_changed"):
        set_target(
            "targeted", "routine", first_response_days=2, assignment_days=4, delivery_days=30, actor=admin
        )
    with exactly_one("settings_changed"):
        save_settings({"stalled_days": 12}, actor=admin)
    with exactly_one("settings_changed"):
        auth.post("/admin/center", {"name": "Mountain West IECMH TA Center"})
    with exactly_one("user_deactivated"):
        auth.post(f"/admin/users/{target.id}/deactivate", {}, form_page=f"/admin/users/{target.id}")
    with exactly_one("user_reactivated"):
        auth.post(f"/admin/users/{target.id}/reactivate", {}, form_page=f"/admin/users/{target.id}")
    with exactly_one("session_ended"):
        auth.post(f"/admin/users/{target.id}/sessions/end", {}, form_page=f"/admin/users/{target.id}")
    with exactly_one("records_exported"):
        assert client.get("/reports/volume?format=csv").status_code == 200
    with exactly_one("records_exported"):
        assert client.get("/reports/volume?format=xlsx").status_code == 200
    with exactly_one("records_exported"):
        assert client.get("/queue/requests.csv?stage=submitted").status_code == 200
    with exactly_one("records_exported"):
        assert client.get("/queue/requests.xlsx").status_code == 200
    with exactly_one("file_downloaded"):
        response = client.get(f"/requests/{ta_request.reference}/files/{attachment.id}")
        assert response.data == FILE_CONTENT
    with exactly_one("audit_exported"):
        assert client.get("/admin/audit.csv").status_code == 200
    with exactly_one("sign_out"):
        auth.logout()

    auth.login(requester)
    with exactly_one("access_denied", "denied"):
        assert client.get(f"/requests/{foreign.reference}").status_code == 404
    with exactly_one("access_denied", "denied"):
        assert client.get("/admin/users").status_code == 403
    session_id = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == requester.id))
    with exactly_one("session_ended"):
        auth.post(f"/account/sessions/{session_id}/end", {}, form_page="/account/sessions")
    fresh = app.test_client()
    with exactly_one("password_set"):
        page = f"/invitations/{invitation_token}"
        fresh.post(
            page,
            data={
                "name": "New Person",
                "password": PASSWORD + " x",
                "confirm": PASSWORD + " x",
                "csrf_token": csrf_token(fresh, page),
            },
        )
    secrets.append(PASSWORD + " x")
    auth.login(requester)  # the session ended above was this one
    with exactly_one("password_changed"):
        auth.post(
            "/account/password",
            {"current": PASSWORD, "password": PASSWORD + " y", "confirm": PASSWORD + " y"},
        )
    secrets.append(PASSWORD + " y")
    reset_token = request_reset(requester.email)
    secrets.append(reset_token)
    with exactly_one("password_reset"):
        page = f"/password/reset/{reset_token}"
        fresh.post(
            page,
            data={
                "password": PASSWORD + " z",
                "confirm": PASSWORD + " z",
                "csrf_token": csrf_token(fresh, page),
            },
        )
    secrets.append(PASSWORD + " z")
    auth.login(requester, password=PASSWORD + " z")
    with exactly_one("access_denied", "denied"):  # a used link, opened signed in: its token is not kept
        assert client.get(f"/password/reset/{reset_token}").status_code == 404

    db.session.expire_all()
    for event in db.session.scalars(select(AuditEvent)):
        for column in AuditEvent.__table__.columns:
            value = str(getattr(event, column.key))
            for secret in secrets:
                assert secret not in value, f"event {event.id} {event.action}: {column.key} holds a secret"


def test_each_identity_action_records_exactly_one_event_and_never_a_secret(app, client, auth):
    """Second factors: enrolment, a failed code, new recovery codes, the admin's reset, and the
    sign-in itself (one event, saying how the person proved who they are)."""
    import pyotp

    from tests.conftest import CSRF_RE, SECRET_RE

    admin = UserFactory(role="admin")
    lead = UserFactory(role="lead", authenticator=False)
    client.post("/login", data={"email": lead.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    code = pyotp.TOTP(secret).now()
    before = _last_id()
    shown = client.post("/login/enrol", data={"code": code, "csrf_token": CSRF_RE.search(page).group(1)})
    codes = re.findall(r"<code>([a-z2-9-]{11})</code>", shown.get_data(as_text=True))
    db.session.expire_all()
    assert [
        tuple(r)
        for r in db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.id > before)
        )
    ] == [("two_factor_enrolled", "authenticator app"), ("sign_in", "password + new authenticator app")]
    with exactly_one("recovery_codes_created"):
        page = auth.post("/account/two-factor/recovery-codes", {}, form_page="/account/two-factor")
    codes += re.findall(r"<code>([a-z2-9-]{11})</code>", page.get_data(as_text=True))
    auth.logout()
    client.post("/login", data={"email": lead.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    with exactly_one("two_factor_failed", "failure"):
        auth.post("/login/second-factor", {"code": code})  # the enrolment's code, reused
    with exactly_one("sign_in"):
        auth.post("/login/second-factor", {"code": codes[-1]})
    auth.logout()
    auth.login(admin)
    with exactly_one("two_factor_reset"):
        auth.post(f"/admin/users/{lead.id}/two-factor/reset", {}, form_page=f"/admin/users/{lead.id}")
    with exactly_one("settings_changed"):
        auth.post("/admin/center", {"name": "Center", "require_two_factor_for_all": "y"})
    db.session.expire_all()
    for event in db.session.scalars(select(AuditEvent)):
        for column in AuditEvent.__table__.columns:
            value = str(getattr(event, column.key))
            for secret_value in [secret, PASSWORD, *codes]:  # (a 6-digit code could occur in a hash)
                assert secret_value not in value, f"event {event.id} {event.action}: {column.key}"
