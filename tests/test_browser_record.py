"""The TA record in a real browser: replies, internal notes, files, closing and the survey."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tacenter.workflow.services import change_stage
from tests.factories import PDF_BYTES, request_in_progress

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def test_requester_replies_and_staff_see_it(page_for):
    ta_request, requester, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "waiting_on_requester", actor=staff, note="Which counties?")
    page = page_for(requester)
    page.goto(f"/requests/{ta_request.reference}")
    page.get_by_label("Your reply").fill("Bernalillo and **Santa Fe** counties.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply was sent")
    expect(page.locator(".lead-line")).to_contain_text("In progress")

    staff_page = page_for(staff)
    staff_page.goto(f"/requests/{ta_request.reference}")
    reply = staff_page.locator(".entry-reply").filter(has_text="Bernalillo")
    expect(reply.locator("strong", has_text="Santa Fe")).to_be_visible()


def test_staff_note_is_invisible_to_the_requester(page_for):
    ta_request, requester, staff, _ = request_in_progress()
    staff_page = page_for(staff)
    staff_page.goto(f"/requests/{ta_request.reference}")
    staff_page.get_by_label("Internal note", exact=True).fill(
        "Canary-9931: their budget is frozen until July."
    )
    staff_page.get_by_role("button", name="Save internal note").click()
    expect(staff_page.locator(".entry-note")).to_contain_text("Canary-9931")
    ARTIFACTS.mkdir(exist_ok=True)
    staff_page.screenshot(path=str(ARTIFACTS / "staff-request-page.png"), full_page=True)

    page = page_for(requester)
    page.goto(f"/requests/{ta_request.reference}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ta_request.reference)
    expect(page.locator("body")).not_to_contain_text("Canary-9931")
    expect(page.locator(".entry-note")).to_have_count(0)


def test_upload_and_download_a_file(page_for, tmp_path):
    ta_request, requester, staff, _ = request_in_progress()
    source = tmp_path / "Logic model.pdf"
    source.write_bytes(PDF_BYTES)
    page = page_for(requester)
    page.goto(f"/requests/{ta_request.reference}")
    page.get_by_label("Files", exact=True).set_input_files(str(source))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Attached Logic model.pdf")

    staff_page = page_for(staff)
    staff_page.goto(f"/requests/{ta_request.reference}")
    with staff_page.expect_download() as download_info:
        staff_page.get_by_role("link", name="Logic model.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Logic model.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES


def test_staff_close_with_an_outcome_and_the_requester_answers_the_survey(page_for):
    ta_request, requester, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    staff_page = page_for(staff)
    staff_page.goto(f"/requests/{ta_request.reference}")
    staff_page.get_by_label("Move to").select_option(label="Close")
    staff_page.get_by_label("Was the requester's goal met?").select_option(label="Partly")
    staff_page.get_by_label("Outcome summary").fill("Billing guide drafted; two clinics billing.")
    staff_page.get_by_role("button", name="Change stage").click()
    expect(staff_page.locator(".lead-line")).to_contain_text("Closed")

    page = page_for(requester)
    page.goto(f"/requests/{ta_request.reference}")
    # Once under "How it ended" (and again on the close event in the timeline).
    ending = page.get_by_role("region", name="How it ended")
    expect(ending.get_by_text("Billing guide drafted")).to_be_visible()
    page.get_by_role("link", name="Answer the short satisfaction survey").click()
    # The current post-request instrument (tacenter/surveys/defaults.py), in the requester's words.
    for question in (
        "How would you rate the quality of the help?",
        "How relevant was it to your needs?",
        "How useful was it?",
        "Overall, how satisfied are you?",
    ):
        page.get_by_role("group", name=question).locator("label", has_text="5 (excellent)").click()
    page.get_by_role("group", name="How timely was it?").locator("label", has_text="4").click()
    page.get_by_role("group", name="Do you intend to use what you learned?").locator(
        "label", has_text="Yes"
    ).click()
    page.get_by_role("group", name="Was your goal met?").locator("label", has_text="Partly").click()
    page.get_by_label("Anything else? (optional)").fill("Thank you!")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.locator(".entry-survey")).to_be_visible()
    page.goto(f"/requests/{ta_request.reference}/survey")
    expect(page.locator("main")).to_contain_text("already answered")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "closed-request-with-survey.png"), full_page=True)
