"""The request page as a specialist sees it: the conversation and the reply box first."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tacenter.conversation.services import add_note, post_reply
from tacenter.db import utcnow
from tacenter.delivery.plans import add_goal, add_step
from tacenter.delivery.services import ActivityValues, log_activity
from tests.factories import request_in_progress

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
# The side column's forms set the height; the history scrolls in its own region (was ~6,000px).
MOST_PAGE_HEIGHT = 2400


def typical_history():
    """An intensive request some weeks in: a dozen replies, notes, a plan and logged activities."""
    ta_request, requester, staff, _ = request_in_progress(
        tier="intensive",
        title="Medicaid billing for dyadic services",
        description="Our clinics want to bill Medicaid for dyadic caregiver-child sessions. " * 6,
    )
    start = utcnow() - timedelta(days=30)
    for day in range(12):
        writer = staff if day % 2 else requester
        post_reply(
            ta_request.reference,
            f"Reply {day}: which counties, which codes, and who signs the billing guide? " * 3,
            actor=writer,
            now=start + timedelta(days=day),
        )
    for day in range(3):
        add_note(ta_request.reference, f"Note {day}: their budget is frozen until July.", actor=staff)
    goal = add_goal(ta_request.reference, "Medicaid pays for dyadic sessions by 2027", actor=staff)
    for n in range(4):
        add_step(
            ta_request.reference, f"Step {n}", target_date=date(2027, 1, 15), goal_id=goal.id, actor=staff
        )
        log_activity(
            ta_request.reference,
            ActivityValues(
                activity_date=date.today() - timedelta(days=n), hours="1.5", mode="virtual_meeting"
            ),
            actor=staff,
        )
    return ta_request, requester, staff


def test_a_specialist_sees_the_reply_box_without_scrolling(page_for):
    ta_request, _, staff = typical_history()
    page = page_for(staff)
    page.set_viewport_size(VIEWPORT)
    page.goto(f"/requests/{ta_request.reference}")
    reply = page.get_by_label("Your reply")
    expect(reply).to_be_visible()
    box = reply.bounding_box()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-request-first-screen.png"))
    page.screenshot(path=str(ARTIFACTS / "staff-request-whole-page.png"), full_page=True)
    assert box["y"] < VIEWPORT["height"] - 100, f"the reply box starts at {box['y']:.0f}px"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MOST_PAGE_HEIGHT, f"the page is {height}px tall"
    # The latest reply is on the first screen too, next to the box that answers it.
    latest = page.locator(".entry-reply").last
    assert latest.bounding_box()["y"] < VIEWPORT["height"]
    assert latest.is_visible()
