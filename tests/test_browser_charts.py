"""The dashboard's charts look finished: crisp labels, whole topic names, a readable period."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tacenter.extensions import db
from tests import reports_data
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LONG_TOPIC = "Infant and early childhood mental health consultation in child care and home visiting"


def test_chart_text_is_crisp_whole_and_the_period_fits_its_select(page_for):
    made = reports_data.build(6, count=150)
    made["topics"][0].name = LONG_TOPIC
    db.session.commit()
    page = page_for(UserFactory(role="leadership"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/reports/?period=fy2026")
    expect(page.locator("[data-chart=over_time] svg polyline")).to_have_count(1)
    expect(page.locator("[data-chart=by_topic] svg rect")).to_have_count(4)

    # Text inheriting a stroke (the line chart's container once did) is drawn smeared.
    stroked = page.eval_on_selector_all(
        ".chart-svg text",
        "ts => ts.filter(t => getComputedStyle(t).stroke !== 'none').map(t => t.textContent)",
    )
    assert stroked == []

    # Every topic's whole name is drawn, inside the chart.
    drawn = page.eval_on_selector_all(
        "[data-chart=by_topic] svg text.chart-label",
        "ts => ts.map(t => ({text: Array.from(t.querySelectorAll('tspan')).map(s => s.textContent).join(' '),"
        " left: t.getBBox().x}))",
    )
    assert LONG_TOPIC in {d["text"] for d in drawn}
    assert all(d["left"] >= 0 for d in drawn), drawn

    # The chosen period's name fits its select (text, padding and the arrow).
    fits = page.evaluate(
        """() => {
          const select = document.getElementById('period');
          const probe = document.createElement('span');
          probe.style.font = getComputedStyle(select).font;
          probe.style.whiteSpace = 'pre';
          probe.textContent = select.options[select.selectedIndex].text;
          document.body.appendChild(probe);
          const need = probe.getBoundingClientRect().width + 40;
          probe.remove();
          return {need, have: select.clientWidth};
        }"""
    )
    assert fits["have"] >= fits["need"], fits
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".charts").screenshot(path=str(ARTIFACTS / "dashboard-charts.png"))
    page.locator(".filters").screenshot(path=str(ARTIFACTS / "dashboard-filters.png"))
