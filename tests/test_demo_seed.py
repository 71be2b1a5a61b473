"""The demo seed (what `flask seed-demo` runs) is consistent with the history it invents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

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
