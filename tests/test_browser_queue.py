"""Saved views of the queue in a real browser: filter, save under a name, apply it later, delete it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory, caseload_request

pytestmark = pytest.mark.browser


def test_staff_saves_the_current_filters_as_a_view_and_applies_it_later(page_for):
    wanted = caseload_request(None, stage="submitted", state="OH", urgency="urgent", title="Ohio, urgent")
    other = caseload_request(None, stage="submitted", state="OH", title="Ohio, routine")
    page = page_for(UserFactory(role="staff", name="Sam Specialist"))

    page.goto("/queue")
    page.get_by_label("State", exact=True).select_option(label="Ohio")
    page.get_by_label("Urgency").select_option(label="Urgent")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_label("Name this view").fill("Ohio urgent")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text("Ohio urgent")

    page.goto("/queue")
    expect(page.get_by_role("link", name=other.reference)).to_be_visible()
    views = page.get_by_role("navigation", name="Saved views")
    views.get_by_role("link", name="Ohio urgent").click()
    expect(page.get_by_role("link", name=wanted.reference)).to_be_visible()
    expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    expect(views.get_by_role("link", name="Ohio urgent")).to_have_attribute("aria-current", "true")

    views.get_by_role("button", name="Delete saved view Ohio urgent").click()
    expect(page.get_by_role("status")).to_contain_text("deleted")
    expect(views.get_by_role("link", name="Ohio urgent")).to_have_count(0)
