"""In-app notifications, email preferences, digests and the schedule that sends them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tacenter import jobs
from tacenter.notifications.inbox import set_email_mode, unread_count
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.reminders.digests import send_daily_digests, send_weekly_summaries
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage
from tests.factories import RequesterFactory, UserFactory, submit

REPO = Path(__file__).resolve().parent.parent


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def outbox_kinds(db_session, user) -> list[str]:
    return list(db_session.scalars(select(EmailOutbox.kind).where(EmailOutbox.to_address == user.email)))


def test_leads_hear_of_each_new_request_and_the_assignee_of_a_reply(db_session):
    requester, lead, staff = RequesterFactory(), UserFactory(role="lead"), UserFactory(role="staff")
    ta_request = submit(requester)
    assert outbox_kinds(db_session, lead) == ["new_request"]
    assign_request(ta_request.reference, staff.id, actor=lead)
    change_stage(ta_request.reference, "in_progress", actor=staff)
    change_stage(ta_request.reference, "waiting_on_requester", actor=staff, note="Which counties?")
    change_stage(ta_request.reference, "in_progress", actor=requester)  # the reply
    assert outbox_kinds(db_session, staff) == ["assigned", "stage_changed"]
    body = db_session.scalar(
        select(EmailOutbox.text_body).where(
            EmailOutbox.to_address == staff.email, EmailOutbox.kind == "stage_changed"
        )
    )
    assert f"http://tacenter.test/requests/{ta_request.reference}" in body


def test_in_app_only_and_digest_preferences_hold_back_the_email(db_session):
    lead_in_app, lead_digest = UserFactory(role="lead"), UserFactory(role="lead")
    set_email_mode("in_app_only", actor=lead_in_app)
    set_email_mode("daily_digest", actor=lead_digest)
    submit(RequesterFactory())
    assert outbox_kinds(db_session, lead_in_app) == [] and outbox_kinds(db_session, lead_digest) == []
    assert unread_count(lead_in_app.id) == 1
    pending = db_session.scalar(select(Notification).where(Notification.user_id == lead_digest.id))
    assert pending.digest_pending


def test_the_daily_digest_goes_once_a_day_after_seven_with_notices_and_caseload_actions(db_session):
    requester, lead, staff = RequesterFactory(), UserFactory(role="lead"), UserFactory(role="staff")
    set_email_mode("daily_digest", actor=lead)
    ta_request = submit(requester, now=at("2026-03-02 15:00"))
    assign_request(ta_request.reference, staff.id, actor=lead, now=at("2026-03-02 16:00"))
    change_stage(ta_request.reference, "in_progress", actor=staff, now=at("2026-03-02 17:00"))
    assert send_daily_digests(now=at("2026-03-03 11:00")) == 0  # 06:00 in New York
    assert send_daily_digests(now=at("2026-03-03 12:30")) == 2  # the lead's notices, the staff's caseload
    assert send_daily_digests(now=at("2026-03-03 13:30")) == 0
    digest = db_session.scalar(
        select(EmailOutbox).where(EmailOutbox.kind == "daily_digest", EmailOutbox.to_address == lead.email)
    )
    assert ta_request.reference in digest.text_body and "<ul>" in digest.html_body
    staff_digest = db_session.scalar(
        select(EmailOutbox).where(EmailOutbox.kind == "daily_digest", EmailOutbox.to_address == staff.email)
    )
    assert "Assigned -> In progress" in staff_digest.text_body
    assert not db_session.scalar(select(func.count()).where(Notification.digest_pending))


def test_leadership_get_one_weekly_summary_of_received_closed_late_and_at_risk(db_session):
    leadership = UserFactory(role="leadership")
    submit(RequesterFactory(), now=at("2026-03-03 15:00"))  # late by Monday the 9th
    assert send_weekly_summaries(now=at("2026-03-09 10:30")) == 0  # Monday 06:30 EDT
    assert send_weekly_summaries(now=at("2026-03-09 13:00")) == 1
    assert send_weekly_summaries(now=at("2026-03-10 13:00")) == 0
    body = db_session.scalar(select(EmailOutbox.text_body).where(EmailOutbox.to_address == leadership.email))
    assert "Requests received: 1" in body and "Open requests late: 1" in body


def test_the_notification_list_shows_the_unread_count_and_marks_as_read_by_post(client, auth, db_session):
    lead = UserFactory(role="lead")
    ta_request = submit(RequesterFactory())
    submit(RequesterFactory())
    auth.login(lead)
    page = client.get("/notifications").get_data(as_text=True)
    assert re.search(r'class="usa-tag">2<span class="usa-sr-only"> unread', page)
    assert ta_request.reference in page
    assert client.get(f"/notifications/{1}/read").status_code == 405  # never by GET
    mine = db_session.scalar(select(Notification.id).where(Notification.user_id == lead.id))
    assert auth.post(f"/notifications/{mine}/read", {}, form_page="/notifications").status_code == 302
    assert unread_count(lead.id) == 1
    auth.post("/notifications/read-all", {}, form_page="/notifications")
    assert unread_count(lead.id) == 0


def test_nobody_can_mark_someone_elses_notification(client, auth, db_session):
    submit(RequesterFactory())
    other = db_session.scalar(select(Notification.id))
    auth.login(UserFactory(role="staff"))
    assert auth.post(f"/notifications/{other}/read", {}, form_page="/notifications").status_code == 404


def test_a_user_chooses_their_email_preference_and_nonsense_is_refused(client, auth):
    auth.login(UserFactory(role="staff"))
    assert auth.post("/notifications/settings", {"email_mode": "daily_digest"}).status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'<input(?=[^>]*\bchecked\b)[^>]*value="daily_digest"', page)
    assert auth.post("/notifications/settings", {"email_mode": "every_second"}).status_code == 400


def test_every_queue_has_a_consumer_in_the_worker_commands():
    procfile = (REPO / "Procfile.dev").read_text()
    services = (REPO / "tests" / "services.py").read_text()
    for text in (procfile, services):
        consumed = set(re.search(r"-Q[ \",\n]+([a-z,]+)", text).group(1).split(","))
        assert set(jobs.Queues.ALL) <= consumed


def test_every_periodic_job_names_a_registered_task_and_runs_on_the_periodic_queue(app):
    import worker.tasks  # noqa: F401  (registers the tasks)

    celery = app.extensions["celery"]
    for entry in celery.conf.beat_schedule.values():
        assert entry["task"] in celery.tasks
        assert entry["options"]["queue"] == jobs.Queues.PERIODIC


def test_no_task_can_outlive_the_redis_visibility_timeout(app):
    from config import REDIS_TRANSPORT_OPTIONS

    celery = app.extensions["celery"]
    assert celery.conf.task_time_limit < REDIS_TRANSPORT_OPTIONS["visibility_timeout"]
    for path in list((REPO / "tacenter").rglob("*.py")) + list((REPO / "worker").rglob("*.py")):
        assert not re.search(r"\b(countdown|eta)\s*=", path.read_text()), path


@pytest.mark.parametrize("path", ["/notifications", "/notifications/settings"])
def test_notification_pages_need_a_sign_in(client, path):
    assert client.get(path).status_code == 302


def test_staff_see_targets_and_reminders_on_the_request_page_and_standing_in_the_queue(
    client, auth, db_session
):
    from tacenter.reminders.services import run_sweep

    requester, lead = RequesterFactory(), UserFactory(role="lead")
    ta_request = submit(requester, now=at("2026-03-02 15:00"))
    run_sweep("untriaged", now=at("2026-03-05 15:00"))
    auth.login(lead)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "Timeliness: " in page and "First response" in page
    assert "No first response yet: leads reminded" in page
    queue = client.get("/queue").get_data(as_text=True)
    assert '<th scope="col">Timeliness</th>' in queue and "standing-late" in queue
    auth.logout()
    auth.login(requester)
    assert "Timeliness" not in client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
