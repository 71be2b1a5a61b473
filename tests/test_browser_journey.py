"""The first journey in a real browser: submit, assign, start work, see the new stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import RequesterFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def test_request_goes_from_requester_to_lead_to_staff_and_back(page_for):
    requester = RequesterFactory(name="Rosa Requester")
    TopicFactory(name="Financing and Medicaid")
    staff = UserFactory(role="staff", name="Sam Specialist")
    lead = UserFactory(role="lead", name="Lee Lead")

    page = page_for(requester)
    page.get_by_role("link", name="Request TA").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request technical assistance")
    page.get_by_label("Short title").fill("Medicaid billing for dyadic services")
    page.get_by_label("What do you need help with?").fill(
        "Our clinics want to bill Medicaid for dyadic caregiver-child sessions."
    )
    # USWDS draws its own checkbox on the label; the real input sits off-screen.
    page.locator("label", has_text="Financing and Medicaid").click()
    page.get_by_role("button", name="Submit request").click()
    expect(page.get_by_role("status")).to_contain_text("was received")
    reference = page.get_by_role("heading", level=1).inner_text().split(":")[0]
    assert reference.startswith("TA-")

    lead_page = page_for(lead)
    lead_page.goto("/queue?assignee=none")
    lead_page.get_by_role("link", name=reference).click()
    lead_page.get_by_label("Assign to").select_option(label="Sam Specialist")
    lead_page.get_by_role("button", name="Assign").click()
    expect(lead_page.get_by_role("status")).to_contain_text("assigned")

    staff_page = page_for(staff)
    staff_page.goto("/queue?assignee=me")
    staff_page.get_by_role("link", name=reference).click()
    staff_page.get_by_label("Move to").select_option(label="Start work")
    staff_page.get_by_role("button", name="Change stage").click()
    expect(staff_page.locator(".lead-line")).to_contain_text("In progress")

    page.goto("/requests")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("Sam Specialist")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "requester-requests.png"), full_page=True)
