"""The routing rules: each factor moves people in the ranking the way a lead would expect."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tacenter.extensions import db
from tacenter.routing.engine import current_settings, rank_candidates
from tacenter.routing.models import StaffAbsence
from tacenter.workflow.models import Assignment
from tests.factories import (
    ProgramFactory,
    RequesterFactory,
    TopicFactory,
    UserFactory,
    caseload_request,
    staff_profile,
    submit,
)

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(db_session):
    financing, visiting = TopicFactory(name="Financing"), TopicFactory(name="Home visiting")
    program = ProgramFactory(name="Project LAUNCH")
    return {"financing": financing, "visiting": visiting, "program": program, "requester": RequesterFactory()}


def request_in(world, **overrides):
    values = {"state": "NM", "program_id": world["program"].id}
    values.update(overrides)
    return submit(world["requester"], topic=world["financing"], **values)


def names(ranking):
    return [c.name for c in ranking]


def ranked(ta_request, **kw):
    return rank_candidates(ta_request.id, today=kw.pop("today", TODAY), **kw)


def test_primary_expertise_ranks_above_secondary(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, secondary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["NM"])
    assert names(ranked(request_in(world))) == ["Ben", "Ana"]


def test_covering_the_state_ranks_above_not_covering_it(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["OH"])
    staff_profile(ben, primary=[world["financing"]], states=["NM", "AZ"])
    assert names(ranked(request_in(world))) == ["Ben", "Ana"]


def test_supporting_the_program_breaks_an_otherwise_even_match(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["NM"], programs=[world["program"]])
    assert names(ranked(request_in(world))) == ["Ben", "Ana"]


def test_the_less_loaded_person_comes_first(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["NM"])
    for _ in range(3):
        caseload_request(ana)
    result = ranked(request_in(world))
    assert names(result) == ["Ben", "Ana"]
    assert "3 of 6 capacity" in result[1].reason_text


def test_topic_beats_a_light_load(world):
    """A lead would rather give financing to the financing expert who is half full."""
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, secondary=[world["financing"]], states=["NM"])
    for _ in range(3):
        caseload_request(ana)
    assert names(ranked(request_in(world))) == ["Ana", "Ben"]


def test_a_tie_goes_to_whoever_was_assigned_least_recently(world):
    ana, ben, cy = UserFactory(name="Ana"), UserFactory(name="Ben"), UserFactory(name="Cy")
    for person in (ana, ben, cy):
        staff_profile(person, primary=[world["financing"]], states=["NM"])
    now = datetime.now(UTC)
    for person, days_ago in ((ana, 1), (ben, 30)):
        done = caseload_request(person, stage="closed")
        db.session.add(
            Assignment(
                ta_request_id=done.id, assignee_id=person.id, assigned_at=now - timedelta(days=days_ago)
            )
        )
    db.session.commit()
    # Cy was never assigned anything: first; then Ben (a month ago); then Ana (yesterday).
    assert names(ranked(request_in(world))) == ["Cy", "Ben", "Ana"]


def test_reasons_are_in_words(world):
    ana = UserFactory(name="Ana")
    staff_profile(ana, primary=[world["financing"]], states=["NM"], programs=[world["program"]], capacity=6)
    caseload_request(ana, tier="intensive")
    caseload_request(ana, tier="universal")
    caseload_request(ana, tier="targeted")
    caseload_request(ana, tier="targeted", stage="closed")  # finished work is not load
    [candidate] = ranked(request_in(world))
    assert candidate.reason_text == (
        "covers NM; primary in Financing; supports Project LAUNCH; 3.5 of 6 capacity"
    )


def test_people_without_the_topic_are_not_eligible_unless_the_rule_is_off(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["visiting"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]])
    ta_request = request_in(world)
    assert names(ranked(ta_request)) == ["Ben"]
    settings = current_settings()
    settings.require_topic = False
    assert names(ranked(ta_request, settings=settings)) == ["Ben", "Ana"]


def test_requiring_state_coverage_excludes_others(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["OH"])
    settings = current_settings()
    settings.require_state = True
    assert names(ranked(request_in(world), settings=settings)) == ["Ana"]


@pytest.mark.parametrize(
    "capacity, load_tiers, tier, eligible",
    [
        (2, ["targeted"], "targeted", True),  # exactly at capacity after taking it
        (2, ["targeted"], "intensive", False),  # an intensive request would overflow
        (2, ["universal", "universal"], "targeted", True),  # two universal = one targeted
        (2, ["intensive"], "universal", False),  # full already
        (0, [], "universal", False),  # capacity 0: takes nothing
    ],
)
def test_capacity_is_weighted_by_tier(world, capacity, load_tiers, tier, eligible):
    ana = UserFactory(name="Ana")
    staff_profile(ana, primary=[world["financing"]], states=["NM"], capacity=capacity)
    for load_tier in load_tiers:
        caseload_request(ana, tier=load_tier)
    result = ranked(request_in(world, tier=tier), include_ineligible=True)
    assert result[0].eligible is eligible
    if not eligible:
        assert "at capacity" in result[0].reason_text


def _away(user, starts, ends):
    db.session.add(StaffAbsence(user_id=user.id, starts_on=starts, ends_on=ends))
    db.session.commit()


def test_someone_away_on_the_needed_by_date_is_not_suggested(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"], backup=ben)
    staff_profile(ben, secondary=[world["financing"]])
    needed = date.today() + timedelta(days=20)
    _away(ana, needed - timedelta(days=2), needed + timedelta(days=3))
    ta_request = request_in(world, needed_by=needed)
    assert names(ranked(ta_request, today=date.today())) == ["Ben"]
    full = ranked(ta_request, today=date.today(), include_ineligible=True)
    assert "away" in full[1].reason_text and "backup: Ben" in full[1].reason_text


def test_absences_that_do_not_touch_the_needed_date_do_not_exclude(world):
    ana = UserFactory(name="Ana")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    today = date.today()
    needed = today + timedelta(days=20)
    _away(ana, today - timedelta(days=10), today - timedelta(days=1))  # ended yesterday
    _away(ana, needed + timedelta(days=1), needed + timedelta(days=5))  # starts the day after
    assert names(ranked(request_in(world, needed_by=needed), today=today)) == ["Ana"]


def test_without_a_needed_by_date_availability_is_checked_for_today(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["NM"])
    today = date.today()
    _away(ana, today, today)  # the boundary day counts
    assert names(ranked(request_in(world), today=today)) == ["Ben"]


def test_away_today_but_back_before_it_is_needed_ranks_lower_but_stays(world):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[world["financing"]], states=["NM"])
    staff_profile(ben, primary=[world["financing"]], states=["NM"])
    today = date.today()
    _away(ana, today - timedelta(days=1), today + timedelta(days=2))
    result = ranked(request_in(world, needed_by=today + timedelta(days=30)), today=today)
    assert names(result) == ["Ben", "Ana"]
    assert "away until" in result[1].reason_text


def test_inactive_profiles_and_deactivated_people_are_never_ranked(world):
    ana, ben, cy = UserFactory(name="Ana"), UserFactory(name="Ben", active=False), UserFactory(name="Cy")
    staff_profile(ana, primary=[world["financing"]], active=False)
    staff_profile(ben, primary=[world["financing"]])
    staff_profile(cy, primary=[world["financing"]])
    lead_no_profile = UserFactory(role="lead", name="Lee")
    assert lead_no_profile and names(ranked(request_in(world))) == ["Cy"]


def count_queries(fn):
    from tacenter.db import StatementCounter

    with StatementCounter(db.engine) as counter:
        fn()
    return counter.count


def test_ranking_issues_the_same_number_of_queries_for_5_or_50_staff(world):
    def setup(n):
        for i in range(n):
            person = UserFactory()
            staff_profile(
                person, primary=[world["financing"]], states=["NM", "OH"], programs=[world["program"]]
            )
            caseload_request(person, tier="intensive")
            _away(person, date.today() + timedelta(days=i), date.today() + timedelta(days=i + 1))
        return request_in(world)

    small = setup(5).id
    db.session.expire_all()
    few = count_queries(lambda: rank_candidates(small, today=TODAY))
    large = setup(45).id
    db.session.expire_all()
    many = count_queries(lambda: rank_candidates(large, today=TODAY))
    # settings, request facts, staff with loads, the fits (topics, states, programs and absences
    # in one UNION ALL), tie-breaks
    assert few == many == 5


def test_the_backup_is_suggested_first_when_the_best_match_is_away(world):
    """Issue #12: Ana fits best but is away; Ben, her backup, is suggested ahead of Cy,
    who fits better than Ben, with the reason in words."""
    ana, ben, cy = UserFactory(name="Ana"), UserFactory(name="Ben"), UserFactory(name="Cy")
    staff_profile(ana, primary=[world["financing"]], states=["NM"], programs=[world["program"]], backup=ben)
    staff_profile(ben, secondary=[world["financing"]], states=["NM"])
    staff_profile(cy, primary=[world["financing"]], states=["NM"])
    today = date.today()
    _away(ana, today, today + timedelta(days=10))
    result = ranked(request_in(world), today=today)
    assert names(result) == ["Ben", "Cy"]
    assert result[0].reason_text.startswith("covering for Ana, who is away")
    _away(ben, today, today)  # a backup away too covers for no one
    assert names(ranked(request_in(world), today=today)) == ["Cy"]
