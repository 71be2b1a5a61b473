"""TA activities: hours in quarter steps, totals, and a history of every edit and deletion."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tacenter.delivery.models import ActivityHistory, TAActivity
from tacenter.delivery.queries import activities_for, totals
from tacenter.delivery.services import ActivityValues, delete_activity, edit_activity, log_activity
from tacenter.errors import DomainError, NotAllowed
from tests.factories import TopicFactory, UserFactory, request_in_progress


def _values(**overrides):
    values = {
        "activity_date": date.today(),
        "hours": "1.5",
        "mode": "virtual_meeting",
        "participant_count": 6,
        "participant_roles": "home visitors",
        "note": "Kick-off call",
    }
    values.update(overrides)
    return ActivityValues(**values)


def test_staff_log_activities_and_the_request_shows_totals(db_session):
    ta_request, _, staff, _ = request_in_progress()
    topic = TopicFactory()
    log_activity(ta_request.reference, _values(topic_ids=[topic.id]), actor=staff)
    log_activity(ta_request.reference, _values(hours="2.25", participant_count=4), actor=staff)
    summary = totals(activities_for(ta_request.id))
    assert (summary.count, summary.hours, summary.participants) == (2, Decimal("3.75"), 10)


@pytest.mark.parametrize(
    "hours, message",
    [
        ("-1", "more than 0"),
        ("0", "more than 0"),
        ("25", "at most 24"),
        ("1000000", "at most 24"),
        ("0.3", "quarter-hour"),
        ("abc", "a number"),
        ("NaN", "more than 0"),
        ("inf", "more than 0"),
    ],
)
def test_negative_or_absurd_hours_are_refused_with_a_clear_message(db_session, hours, message):
    ta_request, _, staff, _ = request_in_progress()
    with pytest.raises(DomainError, match=message):
        log_activity(ta_request.reference, _values(hours=hours), actor=staff)
    assert db_session.scalar(select(TAActivity)) is None


def test_future_dates_and_unknown_modes_are_refused(db_session):
    ta_request, _, staff, _ = request_in_progress()
    with pytest.raises(DomainError, match="future"):
        log_activity(
            ta_request.reference, _values(activity_date=date.today() + timedelta(days=3)), actor=staff
        )
    with pytest.raises(DomainError, match="delivered"):
        log_activity(ta_request.reference, _values(mode="carrier pigeon"), actor=staff)


def test_only_the_assignee_or_a_lead_log_activities(db_session):
    ta_request, requester, _, lead = request_in_progress()
    with pytest.raises(NotAllowed):
        log_activity(ta_request.reference, _values(), actor=UserFactory(role="staff"))
    with pytest.raises(NotAllowed):
        log_activity(ta_request.reference, _values(), actor=requester)
    log_activity(ta_request.reference, _values(), actor=lead)


def test_edits_and_deletes_are_recorded_in_the_history(db_session):
    ta_request, _, staff, _ = request_in_progress()
    activity = log_activity(ta_request.reference, _values(), actor=staff)
    edit_activity(
        ta_request.reference, activity.id, _values(hours="2", note="Kick-off and follow-up"), actor=staff
    )
    delete_activity(ta_request.reference, activity.id, actor=staff)
    history = db_session.scalars(select(ActivityHistory).order_by(ActivityHistory.id)).all()
    assert [h.action for h in history] == ["logged", "edited", "deleted"]
    assert "hours: 1.50 → 2.00" in history[1].changes and "Kick-off and follow-up" in history[1].changes
    assert (
        activities_for(ta_request.id) == [] and db_session.get(TAActivity, activity.id).deleted_at is not None
    )


def test_bad_hours_on_the_page_keep_what_was_typed(client, auth):
    ta_request, _, staff, _ = request_in_progress()
    auth.login(staff)
    response = auth.post(
        f"/requests/{ta_request.reference}/activities",
        {
            "activity-activity_date": date.today().isoformat(),
            "activity-hours": "-3",
            "activity-mode": "on_site",
            "activity-participant_count": "3",
            "activity-participant_roles": "Coaches from Region 4",
            "activity-note": "",
        },
        form_page=f"/requests/{ta_request.reference}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "more than 0" in html and "Coaches from Region 4" in html


def test_editing_from_the_page_records_the_change(client, auth, db_session):
    ta_request, _, staff, _ = request_in_progress()
    activity = log_activity(ta_request.reference, _values(), actor=staff)
    auth.login(staff)
    url = f"/requests/{ta_request.reference}/activities/{activity.id}/edit"
    assert client.get(url).status_code == 200
    response = auth.post(
        url,
        {
            "activity-activity_date": date.today().isoformat(),
            "activity-hours": "0.75",
            "activity-mode": "phone_email",
            "activity-participant_count": "2",
            "activity-participant_roles": "",
            "activity-note": "Short call",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "0.75 hours" in page and "edited a TA activity" in page


def _closed_with_an_activity(**overrides):
    from tacenter.workflow.services import change_stage, close_request

    ta_request, _, staff, lead = request_in_progress(**overrides)
    activity = log_activity(ta_request.reference, _values(), actor=staff)
    change_stage(ta_request.reference, "delivered", actor=staff)
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Guide adopted", actor=staff)
    return ta_request, activity, staff, lead


def test_hours_cannot_be_changed_after_closing_until_the_request_is_reopened(db_session):
    from tacenter.delivery.plans import add_goal
    from tacenter.errors import InvalidTransition
    from tacenter.workflow.services import change_stage

    ta_request, activity, staff, lead = _closed_with_an_activity(tier="intensive")
    ref = ta_request.reference
    for attempt in (
        lambda: edit_activity(ref, activity.id, _values(hours="9"), actor=staff),
        lambda: delete_activity(ref, activity.id, actor=lead),
        lambda: log_activity(ref, _values(), actor=staff),
        lambda: add_goal(ref, "Medicaid plan amended", actor=lead),
    ):
        with pytest.raises(
            InvalidTransition, match="This request is closed; reopen it to change its TA record"
        ):
            attempt()
        db_session.rollback()
    assert totals(activities_for(ta_request.id)).hours == Decimal("1.5")
    change_stage(ref, "in_progress", actor=staff, note="More sessions requested")
    edit_activity(ref, activity.id, _values(hours="2"), actor=staff)
    assert totals(activities_for(ta_request.id)).hours == Decimal("2")


def test_a_closed_request_page_says_its_record_is_locked_and_offers_no_forms(client, auth, db_session):
    ta_request, activity, staff, _ = _closed_with_an_activity()
    auth.login(staff)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "This request is closed; reopen it to change its TA record." in page
    # Above the conversation, not inside the activities panel that starts closed.
    assert page.index("reopen it to change its TA record") < page.index("conversation-scroll")
    assert "Log activity" not in page and f"/activities/{activity.id}/edit" not in page
    url = f"/requests/{ta_request.reference}/activities/{activity.id}/edit"
    assert client.get(url).status_code == 409
    posted = auth.post(
        f"/requests/{ta_request.reference}/activities",
        {
            "activity-activity_date": date.today().isoformat(),
            "activity-hours": "1",
            "activity-mode": "on_site",
            "activity-participant_count": "3",
            "activity-note": "Late entry",
        },  # fmt: skip
        form_page=f"/requests/{ta_request.reference}",
    )
    assert posted.status_code == 409 and "reopen it to change its TA record" in posted.get_data(as_text=True)
