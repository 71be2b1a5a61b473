"""The sessions page: people see their sign-ins and end any of them; admins end all of a user's."""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import LoginSession
from tacenter.accounts.sessions import device_label
from tacenter.extensions import db
from tests.conftest import Auth
from tests.factories import RequesterFactory, UserFactory

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _signed_in(app, user, agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    Auth(client).login(user)
    return client


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_devices_are_named_from_the_user_agent():
    assert device_label(FIREFOX_WINDOWS) == "Firefox on Windows"
    assert device_label(SAFARI_IPHONE) == "Safari on iPhone"
    assert device_label("") == "Unknown device"


def test_ending_a_session_signs_that_browser_out_on_its_next_request(app):
    requester = RequesterFactory()
    laptop = _signed_in(app, requester, FIREFOX_WINDOWS)
    phone = _signed_in(app, requester, SAFARI_IPHONE)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("This session") == 1
    phone_session = db.session.scalars(
        select(LoginSession).where(LoginSession.user_agent == SAFARI_IPHONE)
    ).one()
    response = Auth(laptop).post(
        f"/account/sessions/{phone_session.id}/end", {}, form_page="/account/sessions"
    )
    assert response.status_code == 302
    assert _signed_out(phone.get("/requests"))
    assert laptop.get("/requests").status_code == 200
    assert "Safari on iPhone" not in laptop.get("/account/sessions").get_data(as_text=True)


def test_nobody_ends_another_persons_session(app):
    owner, other = RequesterFactory(), RequesterFactory()
    owner_client = _signed_in(app, owner, FIREFOX_WINDOWS)
    other_client = _signed_in(app, other, SAFARI_IPHONE)
    owner_session = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == owner.id))
    response = Auth(other_client).post(
        f"/account/sessions/{owner_session}/end", {}, form_page="/account/sessions"
    )
    assert response.status_code == 404
    assert owner_client.get("/requests").status_code == 200


def test_ending_a_session_needs_the_form_token(app):
    requester = RequesterFactory()
    client = _signed_in(app, requester, FIREFOX_WINDOWS)
    session_id = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == requester.id))
    assert client.post(f"/account/sessions/{session_id}/end").status_code == 400
    assert client.get("/requests").status_code == 200


def test_an_admin_signs_a_user_out_everywhere(app):
    admin, staff = UserFactory(role="admin"), UserFactory(role="staff")
    first = _signed_in(app, staff, FIREFOX_WINDOWS)
    second = _signed_in(app, staff, SAFARI_IPHONE)
    admin_client = _signed_in(app, admin, FIREFOX_WINDOWS)
    response = Auth(admin_client).post(
        f"/admin/users/{staff.id}/sessions/end", {}, form_page=f"/admin/users/{staff.id}"
    )
    assert response.status_code == 302
    assert _signed_out(first.get("/queue")) and _signed_out(second.get("/queue"))
    assert admin_client.get("/admin/users").status_code == 200
