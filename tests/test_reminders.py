"""Reminder sweeps over the database, with the clock moved across weekends and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tacenter.notifications.inbox import set_email_mode
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.queries import reminder_history
from tacenter.reminders.rules import Kind
from tacenter.reminders.services import claim, run_sweep
from tacenter.reminders.sweeps import Due
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, submit


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def people(db_session):
    return {
        "requester": RequesterFactory(),
        "staff": UserFactory(role="staff"),
        "lead": UserFactory(role="lead"),
        "lead2": UserFactory(role="lead"),
    }


def reminders_to(user, db_session) -> list[str]:
    return list(
        db_session.scalars(
            select(Notification.message)
            .where(Notification.user_id == user.id, Notification.kind == "reminder")
            .order_by(Notification.id)
        )
    )


def test_leads_hear_of_an_untriaged_request_once_when_it_passes_its_target(db_session, people):
    # Submitted Tue Nov 24th 2026; 2 business days skip Thanksgiving: due Fri 27th.
    ta_request = submit(people["requester"], now=at("2026-11-24 15:00"))
    assert run_sweep("untriaged", now=at("2026-11-27 20:00"))["reminders"] == 0  # due today: not late
    first = run_sweep("untriaged", now=at("2026-11-30 14:00"))  # Monday: past the target
    assert first["reminders"] == 1 and first["notices"] == 2
    again = run_sweep("untriaged", now=at("2026-11-30 15:00"))
    assert again["reminders"] == 0
    for lead in (people["lead"], people["lead2"]):
        assert reminders_to(lead, db_session) == [
            f"{ta_request.reference} has had no response yet and is past its first-response target."
        ]
    assert [r.kind for r in reminder_history(ta_request.id)] == ["untriaged"]


def test_a_request_sent_on_friday_is_not_late_on_monday(db_session, people):
    submit(people["requester"], now=at("2026-03-06 15:00"))  # Friday
    assert run_sweep("untriaged", now=at("2026-03-09 20:00"))["reminders"] == 0
    assert run_sweep("untriaged", now=at("2026-03-11 14:00"))["reminders"] == 1  # Wednesday


def test_a_second_claim_of_the_same_episode_does_nothing(db_session, people):
    ta_request = submit(people["requester"])
    due = Due(ta_request.id, Kind.UNTRIAGED, "x")
    assert claim(due, now=at("2026-03-06 15:00")) is True
    assert claim(due, now=at("2026-03-06 15:01")) is False
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(ReminderSent)) == 1


def _assigned(people, when: str):
    ta_request = submit(people["requester"], now=at(when))
    assign_request(ta_request.reference, people["staff"].id, actor=people["lead"], now=at(when))
    return ta_request


def test_a_quiet_assignee_is_reminded_then_the_leads_are_told(db_session, people):
    set_email_mode("in_app_only", actor=people["staff"])  # cannot turn off their own late work
    ta_request = _assigned(people, "2026-03-02 15:00")  # Monday
    assert run_sweep("stale", now=at("2026-03-06 15:00"))["reminders"] == 0  # 4 business days
    assert run_sweep("stale", now=at("2026-03-09 15:00"))["reminders"] == 1  # 5
    assert len(reminders_to(people["staff"], db_session)) == 1
    reminder = db_session.scalar(select(Notification).where(Notification.kind == "reminder"))
    assert (
        db_session.scalar(select(EmailOutbox).where(EmailOutbox.notification_id == reminder.id)) is not None
    )
    assert run_sweep("stale", now=at("2026-03-12 15:00"))["reminders"] == 1  # 8: the leads
    assert "assigned to" in reminders_to(people["lead"], db_session)[0]
    assert run_sweep("stale", now=at("2026-03-13 15:00"))["reminders"] == 0
    # Activity starts a new episode.
    change_stage(ta_request.reference, "in_progress", actor=people["staff"], now=at("2026-03-13 15:00"))
    assert run_sweep("stale", now=at("2026-03-20 15:00"))["reminders"] == 1
    assert len(reminders_to(people["staff"], db_session)) == 2


def test_escalation_never_fires_with_the_first_reminder(db_session, people):
    """Issue #12: the assignee's reminder and the lead's escalation went out in the same second
    when a first sweep (or one after downtime) found long-silent work."""
    _assigned(people, "2026-03-02 15:00")  # Monday; no sweep runs for two weeks
    first = run_sweep("stale", now=at("2026-03-16 15:00"))  # 10 business days of silence
    assert first["reminders"] == 1
    assert len(reminders_to(people["staff"], db_session)) == 1
    assert reminders_to(people["lead"], db_session) == []
    # The grace period (REMINDER_ESCALATE_DAYS = 3 business days) runs from that reminder.
    assert run_sweep("stale", now=at("2026-03-18 15:00"))["reminders"] == 0
    assert reminders_to(people["lead"], db_session) == []
    assert run_sweep("stale", now=at("2026-03-19 15:00"))["reminders"] == 1
    assert len(reminders_to(people["lead"], db_session)) == 1
    sent = db_session.execute(select(ReminderSent.kind, ReminderSent.sent_at).order_by(ReminderSent.id)).all()
    assert [kind for kind, _ in sent] == ["stale_assignee", "stale_lead"]


def test_a_silent_requester_is_nudged_then_the_request_is_closed_as_unanswered(db_session, people):
    ta_request = _assigned(people, "2026-03-02 15:00")
    ref = ta_request.reference
    change_stage(ref, "in_progress", actor=people["staff"], now=at("2026-03-02 16:00"))
    change_stage(ref, "waiting_on_requester", actor=people["staff"], note="Which counties?",
                 now=at("2026-03-02 17:00"))  # fmt: skip
    assert run_sweep("waiting", now=at("2026-03-09 15:00"))["reminders"] == 1  # 5 business days
    assert reminders_to(people["requester"], db_session)[0].startswith("We are waiting for your answer")
    # 15 business days in, but the close waits for a sweep after the nudge: here it comes.
    result = run_sweep("waiting", now=at("2026-03-23 15:00"))
    assert result["closed"] == 1
    db_session.expire_all()
    assert ta_request.stage == "closed"
    assert run_sweep("waiting", now=at("2026-03-24 15:00"))["closed"] == 0
    kinds = [r.kind for r in reminder_history(ta_request.id)]
    assert kinds == ["waiting_nudge", "waiting_close"]
    # Staff can reopen it.
    change_stage(
        ref, "in_progress", actor=people["staff"], note="They answered by phone", now=at("2026-03-25 15:00")
    )
    assert ta_request.stage == "in_progress"


def test_the_assignee_and_leads_hear_when_the_needed_by_date_nears_and_passes(db_session, people):
    ta_request = submit(people["requester"], now=at("2026-03-02 15:00"), needed_by=date(2026, 3, 13))
    assign_request(ta_request.reference, people["staff"].id, actor=people["lead"], now=at("2026-03-02 15:00"))
    assert run_sweep("needed_by", now=at("2026-03-05 15:00"))["reminders"] == 0  # 6 business days left
    soon = run_sweep("needed_by", now=at("2026-03-10 15:00"))  # 3 left
    assert (soon["reminders"], soon["notices"]) == (1, 3)
    assert run_sweep("needed_by", now=at("2026-03-11 15:00"))["reminders"] == 0
    assert run_sweep("needed_by", now=at("2026-03-16 15:00"))["reminders"] == 1  # passed
    assert len(reminders_to(people["staff"], db_session)) == 2


def test_an_unanswered_survey_gets_exactly_one_reminder(db_session, people):
    answered = _assigned(people, "2026-03-02 15:00")
    silent = _assigned(people, "2026-03-02 15:00")
    for ta_request in (answered, silent):
        for target in ("in_progress", "delivered"):
            change_stage(ta_request.reference, target, actor=people["staff"], now=at("2026-03-03 15:00"))
        close_request(
            ta_request.reference,
            goal_met="yes",
            outcome_summary="Done",
            actor=people["staff"],
            now=at("2026-03-03 15:00"),
        )
    from tacenter.delivery.services import answer_survey

    answer_survey(
        answered.reference,
        {
            "usefulness": 5,
            "timeliness": 5,
            "quality": 5,
            "relevance": 5,
            "satisfaction": 5,
            "intent_to_use": True,
            "goal_met": "yes",
        },
        actor=people["requester"],
        now=at("2026-03-04 15:00"),
    )
    assert run_sweep("survey", now=at("2026-03-05 15:00"))["reminders"] == 0
    assert run_sweep("survey", now=at("2026-03-10 15:00"))["reminders"] == 1
    assert run_sweep("survey", now=at("2026-04-10 15:00"))["reminders"] == 0
    message = reminders_to(people["requester"], db_session)
    assert message == [f"Please tell us how the help on {silent.reference} went: a short survey."]


def test_no_survey_reminder_for_a_request_closed_longer_ago_than_the_window(db_session, people):
    """Issue #12: the first sweep asked for surveys on requests closed a year before."""
    ta_request = _assigned(people, "2026-03-02 15:00")
    for target in ("in_progress", "delivered"):
        change_stage(ta_request.reference, target, actor=people["staff"], now=at("2026-03-03 15:00"))
    close_request(ta_request.reference, goal_met="yes", outcome_summary="Done", actor=people["staff"],
                  now=at("2026-03-03 15:00"))  # fmt: skip
    # REMINDER_SURVEY_WINDOW_DAYS = 30: the first sweep to look comes 31 days after the close.
    assert run_sweep("survey", now=at("2026-04-03 16:00"))["reminders"] == 0
    assert reminders_to(people["requester"], db_session) == []


def test_an_away_assignees_reminders_go_to_their_backup(db_session, people):
    """Issue #12: backups did nothing; the reminder went to someone on leave."""
    from tacenter.routing.models import StaffAbsence
    from tests.factories import staff_profile

    backup = UserFactory(role="staff", name="Bea Backup")
    staff_profile(backup)
    staff_profile(people["staff"], backup=backup)
    ta_request = _assigned(people, "2026-03-02 15:00")  # Monday
    db_session.add(
        StaffAbsence(user_id=people["staff"].id, starts_on=date(2026, 3, 6), ends_on=date(2026, 3, 13))
    )
    db_session.commit()
    assert run_sweep("stale", now=at("2026-03-09 15:00"))["reminders"] == 1  # 5 business days
    assert reminders_to(people["staff"], db_session) == []
    [message] = reminders_to(backup, db_session)
    assert message.startswith(ta_request.reference) and f"covering for {people['staff'].name}" in message
