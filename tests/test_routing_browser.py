"""Triage and caseload in a real browser: a lead assigns a suggestion in one click, the
specialist finds it on their caseload, and the lead rebalances it from the team view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import RequesterFactory, TopicFactory, UserFactory, staff_profile, submit

pytestmark = pytest.mark.browser


def test_lead_assigns_from_triage_and_rebalances_from_the_team_view(page_for):
    topic = TopicFactory(name="Financing and Medicaid")
    sam = UserFactory(role="staff", name="Sam Specialist")
    priya = UserFactory(role="staff", name="Priya Patel")
    staff_profile(sam, primary=[topic], states=["NM"], capacity=6)
    staff_profile(priya, secondary=[topic], capacity=6)
    lead = UserFactory(role="lead", name="Lee Lead")
    reference = submit(RequesterFactory(), topic=topic, title="Dyadic billing codes").reference

    lead_page = page_for(lead)
    lead_page.get_by_role("link", name="Triage").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("Triage")
    row = lead_page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("covers NM; primary in Financing and Medicaid; 0 of 6 capacity")
    row.get_by_role("button", name="Assign to Sam Specialist").click()
    expect(lead_page.get_by_role("status")).to_contain_text(f"{reference} was assigned to Sam Specialist")

    staff_page = page_for(sam)
    staff_page.get_by_role("link", name="My caseload").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(staff_page.locator("main")).to_contain_text(reference)

    lead_page.get_by_role("link", name="Team").click()
    lead_page.get_by_role("link", name="Sam Specialist").click()
    lead_page.get_by_label(f"Reassign {reference} to").select_option(label="Priya Patel (0 of 6)")
    lead_page.get_by_label("Why").fill("Sam is away next week")
    lead_page.get_by_role("button", name="Reassign").click()
    expect(lead_page.get_by_role("status")).to_contain_text("both staff members were told")
    lead_page.goto(f"/requests/{reference}")
    expect(lead_page.locator(".lead-line")).to_contain_text("Priya Patel")
    expect(lead_page.locator(".history")).to_contain_text("Sam is away next week")
