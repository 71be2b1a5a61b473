"""Passkeys in Chromium with its virtual authenticator (DevTools protocol, WebAuthn domain):
made at a forced enrolment or from the account page, then used as the second factor and for a
sign-in without a password. The site is http://localhost:<port>: a secure context."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tacenter.audit.models import AuditEvent
from tacenter.extensions import db
from tacenter.twofactor.models import Passkey, RecoveryCode
from tacenter.twofactor.services import reset_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, localhost_site):
    """A page whose browser holds a platform authenticator (like Touch ID or Windows Hello)
    that verifies its user at once."""
    context = browser.new_context(base_url=localhost_site.localhost_url)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.credentials = lambda: cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]}
    )["credentials"]
    yield page
    context.close()


def _password(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def _last_sign_in(user) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "sign_in", AuditEvent.outcome == "success")
        .where(AuditEvent.actor_id == user.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _saw_recovery_codes(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="I saved my codes, continue").click()


def test_a_lead_enrols_a_passkey_then_signs_in_with_it_with_and_without_a_password(page):
    lead = UserFactory(role="lead", name="Lee Passkey", authenticator=False)
    _password(page, lead)
    assert page.url.endswith("/login/enrol")
    page.get_by_role("button", name="Create a passkey").click()
    _saw_recovery_codes(page)  # a passkey as the first second factor gives recovery codes too
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == lead.id)) == 10
    [credential] = page.credentials()
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    assert _last_sign_in(lead) == "password + new passkey"
    page.goto("/account/two-factor/new-recovery-codes")  # shown once: now the account page
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")

    _sign_out(page)
    _password(page, lead)
    assert page.url.endswith("/login/second-factor")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert _last_sign_in(lead) == "password + passkey"

    _sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()  # no email, no password
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert _last_sign_in(lead) == "passkey"
    assert page.credentials()[0]["signCount"] >= 3


def test_staff_add_a_passkey_from_the_account_page_and_a_reset_passkey_no_longer_works(page):
    staff = UserFactory(role="staff", name="Sam Passkey")
    admin = UserFactory(role="admin")
    _password(page, staff)  # staff need no second factor: signed in at once
    page.goto("/account/two-factor")
    expect(page.get_by_text("No passkey yet.")).to_be_visible()
    page.get_by_role("button", name="Add a passkey").click()
    _saw_recovery_codes(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.locator(".usa-list li")).to_have_count(1)

    _sign_out(page)
    _password(page, staff)  # enrolled now: the second step is asked for
    assert page.url.endswith("/login/second-factor")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    reset_second_factor(staff.id, actor=admin)  # also ends the session
    assert db.session.scalar(select(func.count(Passkey.id))) == 0
    page.goto("/login")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("[data-passkey-error]").first).to_have_text(
        "This passkey is not registered for an account here."
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
