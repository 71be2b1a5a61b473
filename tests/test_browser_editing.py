"""Editing a request in a real browser: the link, the form on its own page, the timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import request_in_progress

pytestmark = pytest.mark.browser


def test_staff_edit_a_request_and_the_timeline_shows_old_and_new(page_for):
    ta_request, requester, staff, _ = request_in_progress()
    page = page_for(staff)
    page.goto(f"/requests/{ta_request.reference}")
    page.get_by_role("link", name="Edit request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {ta_request.reference}")
    page.get_by_label("Short title").fill("Dyadic billing codes for Medicaid")
    page.get_by_label("Urgency").select_option(label="Urgent")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("The request was updated")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dyadic billing codes for Medicaid")
    edit = page.locator(".entry-edit")
    expect(edit).to_contain_text(f"{staff.name} edited the request")
    expect(edit).to_contain_text(
        "Title: Medicaid billing for dyadic services → Dyadic billing codes for Medicaid"
    )
    expect(edit).to_contain_text(f"Told: {requester.name}")

    requester_page = page_for(requester)
    requester_page.goto(f"/requests/{ta_request.reference}")
    expect(requester_page.locator(".entry-edit")).to_contain_text("Urgency: Routine → Urgent")
    expect(requester_page.get_by_role("link", name="Edit request")).to_have_count(0)
