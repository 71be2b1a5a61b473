"""The dashboard in a real browser: charts drawn from the app's JSON, and a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import reports_data
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def test_leadership_sees_charts_and_the_map_drawn_from_the_apps_data(page_for):
    reports_data.build(6, count=150)
    page = page_for(UserFactory(role="leadership", name="Dana Director"))
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    page.goto("/reports/?period=fy2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leadership dashboard")
    expect(page.locator("[data-chart=by_state] svg .tile")).to_have_count(56)
    expect(page.locator("[data-chart=by_tier] svg rect")).to_have_count(3)
    expect(page.locator("[data-chart=over_time] svg polyline")).to_have_count(1)
    assert external == []
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    shot = ROOT / "test-artifacts" / "dashboard.png"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shot), full_page=True)  # docs/screenshots/ holds a reviewed copy
