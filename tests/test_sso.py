"""Single sign-on against a real OpenID provider (npm oidc-provider, run by node for this module):
the whole flow in Chromium, then the callback's refusals with a tampered callback URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import func, select

from tacenter.accounts.models import User
from tacenter.audit.models import AuditEvent
from tacenter.center.services import save_center_settings
from tacenter.extensions import db
from tacenter.sso.models import SsoIdentity
from tests.factories import PASSWORD, RequesterFactory, UserFactory

DIDNT_COMPLETE = "Single sign-on did not complete. Start again from the sign-in page."


def sign_in_events(outcome: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "sign_in", AuditEvent.outcome == outcome)
            .order_by(AuditEvent.id)
        )
    )


def signed_in(client) -> bool:
    return client.get("/account/sessions").status_code == 200


# --- in Chromium ---------------------------------------------------------------------------


@pytest.fixture
def sso_page(browser, sso_site):
    context = browser.new_context(base_url=sso_site.localhost_url)
    yield context.new_page()
    context.close()


def _through_provider(page, login: str) -> None:
    """From our sign-in page, through the provider's sign-in box, back to us."""
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Local ID").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything: the provider's development box")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(lambda url: url.startswith("http://localhost"))


@pytest.mark.browser
def test_staff_sign_in_through_the_provider_and_out_of_it(sso_site, sso_page):
    staff = UserFactory(role="staff", email="sam.staff@center.test", name="Sam Staff")
    _through_provider(sso_page, "sam")
    expect(sso_page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "/login" not in sso_page.url
    event = sign_in_events("success")[-1]
    assert (event.actor_id, event.detail) == (staff.id, "sso:local")
    link = db.session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == staff.id))
    assert (link.provider, link.subject) == ("local", "sam")

    sso_page.get_by_role("button", name="Sign out").click()
    expect(sso_page.get_by_text("You are signed out.")).to_be_visible()
    there_too = sso_page.get_by_role("link", name="Sign out there too")
    end_session = there_too.get_attribute("href")
    assert end_session.startswith(sso_site.provider.issuer + "/session/end?")
    back_to = parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"]
    assert back_to == [sso_site.localhost_url + "/login"]
    there_too.click()
    sso_page.get_by_role("button", name=re.compile("Yes, sign me out", re.I)).click()
    sso_page.wait_for_url(sso_site.localhost_url + "/login*")
    sso_page.goto("/account/sessions")
    assert urlsplit(sso_page.url).path == "/login"  # the local session is over
    # Signed out at the provider too: the next single sign-on asks for the login again.
    sso_page.get_by_role("link", name="Sign in with Local ID").click()
    sso_page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    expect(sso_page.locator("input[name=login]")).to_be_visible()


@pytest.mark.browser
def test_an_unknown_person_is_told_and_no_account_is_made(sso_page):
    users_before = db.session.scalar(select(func.count(User.id)))
    _through_provider(sso_page, "una")
    expect(sso_page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    expect(sso_page.locator(".usa-alert--error")).to_have_text(
        "There is no account here for una.unknown@elsewhere.test. Ask a TA center admin to add you."
    )
    expect(sso_page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert db.session.scalar(select(func.count(User.id))) == users_before
    assert db.session.scalar(select(func.count(SsoIdentity.id))) == 0
    assert sign_in_events("failure")[-1].detail == "sso:local: no matching account"


@pytest.mark.browser
def test_required_single_sign_on_refuses_a_staff_password(sso_site, sso_page):
    admin = UserFactory(role="admin")
    UserFactory(role="lead", email="sam.staff@center.test", name="Sam Lead")
    with sso_site.app.app_context():
        save_center_settings("Region 9 TA Center", actor=db.session.merge(admin), require_sso_for_staff=True)
    sso_page.goto("/login")
    sso_page.get_by_label("Email address").fill("sam.staff@center.test")
    sso_page.get_by_label("Password").fill(PASSWORD)
    sso_page.get_by_role("button", name="Sign in", exact=True).click()
    expect(sso_page.locator(".usa-error-message").first).to_contain_text(
        "Staff sign in with single sign-on here. Use the button for your organization's account."
    )
    assert sign_in_events("failure")[-1].detail == "password refused: single sign-on required"
    # The provider's way in still works (and a lead needs no second factor of ours there).
    _through_provider(sso_page, "sam")
    expect(sso_page.get_by_role("button", name="Sign out")).to_be_visible()


# --- the callback's refusals (the real provider, driven without a browser) -------------------


def _callback_from_provider(client, site, login: str) -> str:
    """Start at /sso/local/start, sign in at the provider with plain HTTP (its development
    sign-in box), and return the path and query the provider sends the browser back to."""
    location = client.get("/sso/local/start").headers["Location"]
    browser = requests.Session()
    while not location.startswith(site.localhost_url):
        answer = browser.get(location, allow_redirects=False, timeout=10)
        if answer.status_code == 200:  # the sign-in box
            form = re.search(r'action="([^"]+)"', answer.text).group(1)
            answer = browser.post(
                urljoin(location, form),
                data={"prompt": "login", "login": login, "password": "x"},
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code in (302, 303), answer.text[:500]
        location = urljoin(location, answer.headers["Location"])
    return location[len(site.localhost_url) :]


@pytest.fixture
def sso_client(sso_site):
    return sso_site.app.test_client()


def _assert_refused(client, response, message=DIDNT_COMPLETE, reason: str = "") -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 403) and message in body.replace("&#39;", "'")
    assert not signed_in(client)
    failure = sign_in_events("failure")[-1]
    assert failure.detail.startswith("sso:local: ") and reason in failure.detail
    assert sign_in_events("success") == []


def test_the_untampered_callback_signs_in(sso_site, sso_client):
    """The control for the refusals below: the same path, untampered, signs the person in."""
    UserFactory(role="staff", email="sam.staff@center.test")
    response = sso_client.get(_callback_from_provider(sso_client, sso_site, "sam"))
    assert response.status_code == 302 and signed_in(sso_client)


def test_a_wrong_state_is_refused(sso_site, sso_client):
    UserFactory(role="staff", email="sam.staff@center.test")
    callback = urlsplit(_callback_from_provider(sso_client, sso_site, "sam"))
    query = parse_qs(callback.query)
    query["state"] = ["forged-state-value"]
    response = sso_client.get(callback.path + "?" + urlencode(query, doseq=True))
    _assert_refused(sso_client, response, reason="mismatching_state")


def test_a_replayed_code_is_refused(sso_site, sso_client):
    UserFactory(role="staff", email="sam.staff@center.test")
    first = urlsplit(_callback_from_provider(sso_client, sso_site, "sam"))
    assert sso_client.get(first.path + "?" + first.query).status_code == 302
    db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.action == "sign_in"))
    db.session.commit()
    # Someone else (a fresh browser) starts a sign-in and sends the used code with its own state.
    other = sso_site.app.test_client()
    state = parse_qs(urlsplit(other.get("/sso/local/start").headers["Location"]).query)["state"][0]
    query = {**parse_qs(first.query), "state": [state]}
    response = other.get(first.path + "?" + urlencode(query, doseq=True))
    _assert_refused(other, response, reason="invalid_grant")


def test_the_provider_refusing_is_a_clear_message(sso_site, sso_client):
    state = parse_qs(urlsplit(sso_client.get("/sso/local/start").headers["Location"]).query)["state"][0]
    response = sso_client.get(f"/sso/local/callback?error=access_denied&state={state}")
    _assert_refused(sso_client, response, reason="access_denied")


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("vic", "The sign-in service did not give a verified email address."),
        ("rae", "Single sign-on is for TA center staff. Sign in with your email and password."),
    ],
)
def test_unverified_emails_and_requesters_are_refused(sso_site, sso_client, login, message):
    UserFactory(role="staff", email="vic.unverified@center.test")
    RequesterFactory(email="rae.requester@org.test")
    response = sso_client.get(_callback_from_provider(sso_client, sso_site, login))
    _assert_refused(sso_client, response, message=message, reason="no matching account")
