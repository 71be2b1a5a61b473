"""Business days and the milestones stored on each request."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tacenter.timeliness.business_days import add_business_days, business_days_between, is_business_day
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, submit

TZ = "America/New_York"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "start, end, days",
    [
        ("2026-03-02 15:00", "2026-03-02 20:00", 0),  # same day
        ("2026-03-02 15:00", "2026-03-03 15:00", 1),  # Monday to Tuesday
        ("2026-03-06 15:00", "2026-03-09 15:00", 1),  # Friday to Monday: the weekend does not count
        ("2026-11-25 15:00", "2026-11-30 15:00", 2),  # Thanksgiving (Thu 26th) skipped: Fri, Mon
        ("2026-07-02 15:00", "2026-07-06 15:00", 1),  # July 3rd observed holiday, weekend
        ("2026-12-31 15:00", "2027-01-04 15:00", 1),  # New Year's Day across the year end
        ("2026-03-03 03:00", "2026-03-03 15:00", 1),  # 03:00 UTC is still March 2nd in New York
    ],
)
def test_business_days_skip_weekends_and_federal_holidays(start, end, days):
    assert business_days_between(at(start), at(end), tz=TZ) == days


def test_add_business_days_lands_after_a_holiday_weekend():
    assert add_business_days(at("2026-11-25 15:00"), 2, tz=TZ).isoformat() == "2026-11-30"


def test_milestones_count_business_days_and_not_the_wait_on_the_requester(db_session):
    requester, staff, lead = RequesterFactory(), UserFactory(role="staff"), UserFactory(role="lead")
    ta_request = submit(requester)
    ta_request.submitted_at = at("2026-03-02 15:00")  # a Monday
    db_session.commit()
    ref = ta_request.reference
    assign_request(ref, staff.id, actor=lead, now=at("2026-03-04 15:00"))
    assert (ta_request.days_to_first_response, ta_request.days_to_assignment) == (2, 2)
    change_stage(ref, "in_progress", actor=staff, now=at("2026-03-05 15:00"))
    change_stage(ref, "waiting_on_requester", actor=staff, note="Which counties?", now=at("2026-03-05 16:00"))
    change_stage(ref, "in_progress", actor=requester, now=at("2026-03-10 15:00"))  # 3 days waiting
    change_stage(ref, "delivered", actor=staff, now=at("2026-03-11 15:00"))
    assert ta_request.waiting_days == 3
    assert ta_request.days_to_delivery == 7 - 3
    close_request(
        ref, goal_met="partly", outcome_summary="Guide drafted", actor=staff, now=at("2026-03-12 15:00")
    )
    assert ta_request.finished_at == at("2026-03-12 15:00")
    change_stage(ref, "in_progress", actor=staff, note="More to do", now=at("2026-03-13 15:00"))
    assert ta_request.finished_at is None
    assert ta_request.days_to_delivery == 4  # the first delivery stands


def _walk_between(first: date, last: date) -> int:
    """The day-by-day definition the closed form must agree with."""
    count, day = 0, first + timedelta(days=1)
    while day <= last:
        count += is_business_day(day)
        day += timedelta(days=1)
    return count


@settings(max_examples=400, deadline=None)
@given(
    first=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    span=st.integers(min_value=-10, max_value=800),
    days=st.integers(min_value=0, max_value=300),
)
def test_business_day_arithmetic_agrees_with_walking_the_calendar(first, span, days):
    start = datetime.combine(first, time(12), tzinfo=UTC)
    end = datetime.combine(first + timedelta(days=span), time(12), tzinfo=UTC)
    assert business_days_between(start, end, tz="UTC") == _walk_between(first, first + timedelta(days=span))
    due = add_business_days(start, days, tz="UTC")
    assert _walk_between(first, due) == days
    if days == 0:
        assert due == first
    else:  # the first date to reach the count: a business day, one short the day before
        assert is_business_day(due) and _walk_between(first, due - timedelta(days=1)) == days - 1
