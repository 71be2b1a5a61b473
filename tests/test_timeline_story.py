"""The timeline tells the whole story: who was told of each event and how, TA plan changes,
the outcome on the close, and a question to the requester shown once."""

from __future__ import annotations

from tacenter.conversation.services import ask_requester
from tacenter.conversation.timeline import timeline
from tacenter.delivery.plans import add_goal, add_step, set_step_status
from tacenter.notifications.inbox import set_email_mode
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, request_in_progress, submit


def _entry(html: str, kind: str, containing: str) -> str:
    timeline_html = html.split('id="timeline-heading"')[1].split("</ol>")[0]
    entries = [
        part for part in timeline_html.split('<li class="entry entry-')[1:] if part.startswith(f'{kind}"')
    ]
    return next(e for e in entries if containing in e)


def test_each_event_says_who_was_told_and_how(client, auth, db_session):
    requester, lead = RequesterFactory(name="Rosa Requester"), UserFactory(role="lead", name="Lee Lead")
    staff = UserFactory(role="staff", name="Sam Staff")
    set_email_mode("daily_digest", actor=requester)
    set_email_mode("in_app_only", actor=staff)
    ta_request = submit(requester)
    assign_request(ta_request.reference, staff.id, actor=lead)
    change_stage(ta_request.reference, "in_progress", actor=staff)
    auth.login(lead)
    html = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "Told: Sam Staff (in-app only)" in _entry(html, "assignment", "assigned to Sam Staff")
    moved = _entry(html, "stage", "to In progress")
    assert "Told: Rosa Requester (daily digest and in-app)" in moved
    submitted = _entry(html, "stage", "Submitted by")
    assert (
        "Rosa Requester (daily digest and in-app)" in submitted and "Lee Lead (email and in-app)" in submitted
    )


def test_who_was_told_is_staff_information(client, auth, db_session):
    ta_request, requester, _, _ = request_in_progress()
    auth.login(requester)
    assert "Told:" not in client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)


def test_ta_plan_changes_are_in_the_timeline_for_staff_and_requester(client, auth, db_session):
    ta_request, requester, staff, _ = request_in_progress(tier="intensive")
    goal = add_goal(ta_request.reference, "Medicaid covers dyadic care", actor=staff)
    step = add_step(
        ta_request.reference, "Draft the billing guide", target_date=None, goal_id=goal.id, actor=staff
    )
    set_step_status(ta_request.reference, step.id, "done", actor=staff)
    plan = [
        (e.item.action, e.item.detail, e.item.status)
        for e in timeline(ta_request, requester)
        if e.kind == "plan"
    ]
    assert plan == [
        ("goal_added", "Medicaid covers dyadic care", None),
        ("step_added", "Draft the billing guide", None),
        ("step_status", "Draft the billing guide", "done"),
    ]
    auth.login(requester)
    html = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert f"{staff.name} marked “Draft the billing guide” done in the TA plan" in html


def test_the_close_event_shows_the_outcome(client, auth, db_session):
    ta_request, _, staff, _ = request_in_progress()
    change_stage(ta_request.reference, "delivered", actor=staff)
    summary = "Billing guide adopted by two counties"
    close_request(ta_request.reference, goal_met="partly", outcome_summary=summary, actor=staff)
    auth.login(staff)
    html = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    closed = _entry(html, "stage", "to Closed")
    assert "Partly" in closed and "Billing guide adopted by two counties" in closed


def test_a_question_to_the_requester_appears_once(client, auth, db_session):
    ta_request, requester, staff, _ = request_in_progress()
    ask_requester(ta_request.reference, "Which counties are in scope for the billing guide?", actor=staff)
    for person in (staff, requester):
        auth.login(person)
        html = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
        assert html.count("Which counties are in scope for the billing guide?") == 1
        auth.logout()
