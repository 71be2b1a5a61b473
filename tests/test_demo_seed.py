"""The demo seed (what `flask seed-demo` runs) is consistent with the history it invents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tacenter.demo.seed import seed_demo
from tacenter.intake.models import TARequest
from tacenter.notifications.models import Notification
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.rules import DEFAULTS, Kind
from tacenter.reminders.services import run_sweep
from tacenter.reminders.sweeps import SWEEPS
from tacenter.timeliness.targets import paused_days

SEEDED_AT = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # a Wednesday


def test_the_first_sweep_after_seeding_does_not_flood_the_mail(app, db_session):
    """Issue #12: the first sweep under `make run` sent ~37 reminders, surveys for requests
    closed a year before among them. Every episode already due at seed time is in the seeded
    history, so a sweep at the seed's own clock has nothing new to say: the bound is 0. (A
    later first sweep adds only what fell due in between: a handful a day at the demo's size.)"""
    seed_demo(request_count=40, now=SEEDED_AT)
    history = list(db_session.scalars(select(ReminderSent)))
    assert len(history) >= 10  # the old news is recorded, as a center running all along has it
    assert all(r.sent_at <= SEEDED_AT for r in history)
    sent = sum(run_sweep(name, now=SEEDED_AT)["reminders"] for name in SWEEPS)
    closed = sum(run_sweep(name, now=SEEDED_AT)["closed"] for name in SWEEPS)
    assert (sent, closed) == (0, 0)
    assert db_session.scalar(select(Notification.id).where(Notification.kind == "reminder")) is None
    window = timedelta(days=DEFAULTS["REMINDER_SURVEY_WINDOW_DAYS"])
    long_closed = select(TARequest.id).where(TARequest.finished_at < SEEDED_AT - window)
    surveys = select(ReminderSent.id).where(ReminderSent.kind == Kind.SURVEY)
    assert db_session.scalar(surveys.where(ReminderSent.ta_request_id.in_(long_closed))) is None


def test_the_seeded_waiting_request_pauses_its_clock_and_its_requester_is_nudged(app, db_session):
    """Issue #12: the demo's waiting request had no waiting start, so timeliness and the nudge
    ignored it. It now goes through the milestones code a real one goes through."""
    seed_demo(request_count=40, now=SEEDED_AT)
    waiting = list(db_session.scalars(select(TARequest).where(TARequest.stage == "waiting_on_requester")))
    assert waiting
    for ta_request in waiting:
        assert ta_request.waiting_since is not None and ta_request.waiting_since <= SEEDED_AT
        later = SEEDED_AT + timedelta(days=14)
        assert paused_days(ta_request, later, app.config["CENTER_TIMEZONE"]) >= 9  # the clock stood still
    # Five business days into the wait (eight calendar days cover a weekend), the requester is nudged.
    nudge_day = max(r.waiting_since for r in waiting) + timedelta(days=8)
    assert run_sweep("waiting", now=nudge_day)["reminders"] == len(waiting)
    for ta_request in waiting:
        nudges = db_session.scalars(
            select(Notification.message).where(
                Notification.user_id == ta_request.requester_id, Notification.kind == "reminder"
            )
        )
        assert any(m.startswith(f"We are waiting for your answer on {ta_request.reference}") for m in nudges)


def test_the_demo_seeds_answered_event_follow_ups_that_the_outcomes_count(app, db_session):
    """Issue #16: follow-ups after the demo's delivered events, answered by contacts, counted in
    the outcome figures; the first follow-up sweep at the seed's clock sends nothing old."""
    from tacenter.notifications.models import EmailOutbox
    from tacenter.outcomes.figures import follow_up_changes, response_rates
    from tacenter.outcomes.follow_ups import run_follow_ups
    from tacenter.outcomes.models import FollowUp
    from tacenter.reports.filters import ReportFilters
    from tacenter.surveys.models import SurveySubmission

    seed_demo(request_count=40, now=SEEDED_AT)
    event_rows = list(db_session.scalars(select(FollowUp).where(FollowUp.event_id.is_not(None))))
    answered = [f for f in event_rows if f.answered_at is not None]
    assert answered and len(answered) < len(event_rows)
    assert all(f.sent_at <= SEEDED_AT and (f.answered_at or f.sent_at) <= SEEDED_AT for f in event_rows)
    answers = db_session.scalars(
        select(SurveySubmission).where(SurveySubmission.id.in_([f.submission_id for f in answered]))
    ).all()
    assert {(s.event_id, s.respondent_id) for s in answers} == {(f.event_id, f.contact_id) for f in answered}
    assert all(s.ta_request_id is None for s in answers)

    filters = ReportFilters.from_args(
        {"period": "custom", "start": "2024-11-01", "end": "2026-11-30"}, today=SEEDED_AT.date()
    )
    tz = app.config["CENTER_TIMEZONE"]
    rates = {row[0]: row for row in response_rates(filters, tz=tz).rows}
    assert rates["30-day follow-up after events"][1:3] == [
        sum(f.window_days == 30 for f in event_rows),
        sum(f.window_days == 30 for f in answered),
    ]
    every_answer = db_session.scalar(
        select(func.count()).select_from(SurveySubmission).where(SurveySubmission.purpose.like("follow_up_%"))
    )
    assert follow_up_changes(filters, tz=tz).rows[-1][1] == every_answer  # requests' and events'
    run_follow_ups(now=SEEDED_AT)
    assert db_session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.event_id.is_not(None))
    ) == len(event_rows)
    old_news = select(EmailOutbox.id).where(EmailOutbox.kind.like("event_follow_up%"))
    assert db_session.scalar(old_news) is None
