"""The main journeys with the keyboard alone: Tab, Enter, Space and arrow keys, no mouse.

A requester submits a request; a lead assigns it; the staff member moves it on.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import current_totp_code
from tests.factories import PASSWORD, RequesterFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.browser
MAX_TABS = 80


def tab_to(page, description: str, test_js: str) -> None:
    """Press Tab until the focused element passes `test_js` (a JS predicate on it)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {description}")


def tab_to_id(page, element_id: str) -> None:
    tab_to(page, f"#{element_id}", f"el.id === {element_id!r}")


def tab_to_text(page, text: str, tag: str) -> None:
    tab_to(page, f"{tag} {text!r}", f"el.tagName === {tag.upper()!r} && el.innerText.trim() === {text!r}")


def choose_with_arrows(page, label: str) -> None:
    """On a focused <select>, press ArrowDown until `label` is chosen."""
    for _ in range(30):
        if page.evaluate("document.activeElement.selectedOptions[0]?.text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {label!r}")


def press_and_load(page, key: str) -> None:
    """Press a key that follows a link or submits a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(page, email: str) -> None:
    page.goto("/login")
    tab_to_id(page, "email")
    page.keyboard.type(email)
    tab_to_id(page, "password")
    page.keyboard.type(PASSWORD)
    press_and_load(page, "Enter")
    if "/login/second-factor" in page.url:  # a lead's second factor, typed by keyboard too
        tab_to_id(page, "code")
        page.keyboard.type(current_totp_code(email))
        press_and_load(page, "Enter")
    assert "/login" not in page.url


def test_submit_assign_and_move_a_request_with_the_keyboard_alone(page_for):
    requester = RequesterFactory(name="Rosa Requester")
    TopicFactory(name="Financing and Medicaid")
    UserFactory(role="staff", name="Sam Specialist", email="sam@tacenter.example")
    lead = UserFactory(role="lead", name="Lee Lead")

    page = page_for()
    sign_in(page, requester.email)
    tab_to_text(page, "Request TA", "a")
    press_and_load(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request technical assistance")
    tab_to_id(page, "title")
    page.keyboard.type("Medicaid billing for dyadic services")
    tab_to_id(page, "description")
    page.keyboard.type("Our clinics want to bill Medicaid for dyadic caregiver-child sessions.")
    tab_to(page, "the first topic", "el.name === 'topic_ids'")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to_text(page, "Submit request", "button")
    press_and_load(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("was received")
    reference = page.get_by_role("heading", level=1).inner_text().split(":")[0]

    lead_page = page_for()
    sign_in(lead_page, lead.email)
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("Requests to assign")
    tab_to_text(lead_page, reference, "a")
    press_and_load(lead_page, "Enter")
    tab_to_id(lead_page, "assignee_id")
    choose_with_arrows(lead_page, "Sam Specialist")
    tab_to_text(lead_page, "Assign", "button")
    press_and_load(lead_page, "Enter")
    expect(lead_page.get_by_role("status")).to_contain_text("assigned")

    staff_page = page_for()
    sign_in(staff_page, "sam@tacenter.example")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("My caseload")
    tab_to_text(staff_page, reference, "a")
    press_and_load(staff_page, "Enter")
    tab_to_id(staff_page, "target")
    choose_with_arrows(staff_page, "Start work")
    tab_to_text(staff_page, "Change stage", "button")
    press_and_load(staff_page, "Space")
    expect(staff_page.get_by_role("status")).to_contain_text("stage was changed")
    expect(staff_page.locator(".lead-line")).to_contain_text("In progress")
