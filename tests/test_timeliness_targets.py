"""Where a request stands against its targets: a pure function, with injected time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tacenter.timeliness import services
from tacenter.timeliness.queries import targets_table
from tacenter.timeliness.targets import DEFAULTS, Standing, Target, assess, assess_kept
from tests.factories import UserFactory

TZ = "America/New_York"
TARGET = Target(first_response_days=2, assignment_days=5, delivery_days=30)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def request(**milestones):
    values = {
        "submitted_at": at("2026-11-24 15:00"),  # Tuesday before Thanksgiving
        "first_response_at": None,
        "assigned_at": None,
        "delivered_at": None,
        "finished_at": None,
        "waiting_since": None,
        "waiting_days": 0,
        "needed_by": None,
    }
    values.update(milestones)
    return SimpleNamespace(**values)


def first_response(ta_request, now: str):
    return assess(ta_request, TARGET, now=at(now), tz=TZ).milestones[0]


def test_first_response_is_due_two_business_days_later_skipping_thanksgiving():
    # Tue 24th + 2 business days: Wed 25th, (Thu 26th holiday), Fri 27th.
    assert first_response(request(), "2026-11-24 16:00").due == date(2026, 11, 27)


@pytest.mark.parametrize(
    "now, standing",
    [
        ("2026-11-24 16:00", Standing.ON_TRACK),  # two business days left
        ("2026-11-25 16:00", Standing.AT_RISK),  # the next business day is the due date
        ("2026-11-27 16:00", Standing.AT_RISK),  # due today
        # Saturday: no business day has passed beyond the target yet (the reports' count agrees).
        ("2026-11-28 16:00", Standing.AT_RISK),
        ("2026-11-30 16:00", Standing.LATE),
    ],
)
def test_an_unanswered_request_goes_on_track_then_at_risk_then_late(now, standing):
    assert first_response(request(), now).standing == standing


def test_a_weekend_does_not_make_a_friday_request_late_on_monday():
    friday = request(submitted_at=at("2026-03-06 15:00"))
    assert first_response(friday, "2026-03-09 15:00").standing == Standing.AT_RISK  # due Tue 10th


def test_time_waiting_on_the_requester_moves_the_due_dates_out():
    # Waiting since Wed 25th: by Wed Dec 2nd that is 4 business days (Fri, Mon, Tue, Wed) not counted.
    waiting = request(first_response_at=at("2026-11-25 15:00"), waiting_since=at("2026-11-25 15:00"))
    assignment = assess(waiting, TARGET, now=at("2026-12-02 16:00"), tz=TZ).milestones[1]
    assert assignment.due == date(2026, 12, 8)  # five business days after Tue 24th, plus four
    assert assignment.standing == Standing.ON_TRACK
    finished_wait = request(waiting_days=4)
    assert assess(finished_wait, TARGET, now=at("2026-12-02 16:00"), tz=TZ).milestones[1].due == date(
        2026, 12, 8
    )


def test_a_met_target_stays_met_and_a_late_answer_is_met_late():
    on_time = request(first_response_at=at("2026-11-25 15:00"))
    assert first_response(on_time, "2026-12-20 15:00").standing == Standing.MET
    late = request(first_response_at=at("2026-12-01 15:00"))
    assert first_response(late, "2026-12-20 15:00").standing == Standing.MISSED


def test_delivery_is_due_by_the_needed_by_date_when_given():
    dated = request(needed_by=date(2026, 12, 4))
    delivery = assess(dated, TARGET, now=at("2026-12-03 15:00"), tz=TZ).milestones[2]
    assert (delivery.due, delivery.standing) == (date(2026, 12, 4), Standing.AT_RISK)


def test_the_overall_standing_is_the_worst_open_one_and_finished_requests_are_finished():
    assert assess(request(), TARGET, now=at("2026-11-30 16:00"), tz=TZ).standing == Standing.LATE
    closed = request(finished_at=at("2026-11-25 15:00"), first_response_at=at("2026-11-25 15:00"))
    result = assess(closed, TARGET, now=at("2027-02-01 16:00"), tz=TZ)
    assert result.standing == Standing.FINISHED
    assert [m.standing for m in result.milestones] == [Standing.MET, Standing.FINISHED, Standing.FINISHED]


def test_admin_changes_a_target_and_it_replaces_the_default(db_session):
    admin = UserFactory(role="admin")
    services.set_target(
        "intensive", "urgent", first_response_days=1, assignment_days=3, delivery_days=40, actor=admin
    )
    assert targets_table()[("intensive", "urgent")] == Target(1, 3, 40)
    assert targets_table()[("targeted", "routine")] == DEFAULTS[("targeted", "routine")]


def test_only_admins_set_targets_and_the_order_must_make_sense(db_session):
    from tacenter.errors import DomainError, NotAllowed

    with pytest.raises(NotAllowed):
        services.set_target("targeted", "routine", first_response_days=1, assignment_days=2,
                            delivery_days=3, actor=UserFactory(role="lead"))  # fmt: skip
    with pytest.raises(DomainError):
        services.set_target("targeted", "routine", first_response_days=9, assignment_days=2,
                            delivery_days=3, actor=UserFactory(role="admin"))  # fmt: skip


def test_admin_edits_a_target_on_the_settings_page_and_bad_input_is_kept(client, auth):
    auth.login(UserFactory(role="admin"))
    page = client.get("/admin/timeliness")
    assert page.status_code == 200 and "Timeliness targets" in page.get_data(as_text=True)
    path = "/admin/timeliness/targeted/urgent"
    bad = auth.post(path, {"first_response_days": "x", "assignment_days": "2", "delivery_days": "3"})
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)
    good = auth.post(path, {"first_response_days": "1", "assignment_days": "2", "delivery_days": "9"})
    assert good.status_code == 302
    assert targets_table()[("targeted", "urgent")] == Target(1, 2, 9)
    assert client.get("/admin/timeliness/nope/urgent").status_code == 404


def test_staff_cannot_open_the_target_settings(client, auth):
    auth.login(UserFactory(role="staff"))
    assert client.get("/admin/timeliness").status_code == 403


_moment = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10), timezones=st.just(UTC)
)
_maybe = st.none() | _moment


@given(
    facts=st.fixed_dictionaries({
        "submitted_at": _moment, "first_response_at": _maybe, "assigned_at": _maybe, "delivered_at": _maybe,
        "finished_at": _maybe, "waiting_since": _maybe, "waiting_days": st.integers(0, 20),
        "needed_by": st.none() | st.dates(date(2026, 1, 1), date(2027, 1, 1)),
        "days_to_first_response": st.none() | st.integers(0, 9),
        "days_to_delivery": st.none() | st.integers(0, 40),
    }),
    now=_moment,
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_a_kept_assessment_is_the_assessment_at_any_moment_of_the_day(facts, now, later):
    """Lists read assess_kept (kept per facts, target and local day): it must answer as assess
    does for every moment, the next days included, and whatever milestone changed."""
    ta_request = SimpleNamespace(**facts)
    for moment in (now, now + later):
        assert assess_kept(ta_request, TARGET, now=moment, tz=TZ) == assess(
            ta_request, TARGET, now=moment, tz=TZ
        )
