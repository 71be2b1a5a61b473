import pytest
from sqlalchemy import select

from tacenter.errors import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound
from tacenter.notifications.models import EmailOutbox
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.models import Assignment, StageChange
from tacenter.workflow.services import change_stage, close_request
from tests.factories import RequesterFactory, UserFactory, submit


@pytest.fixture
def people(db_session):
    return {
        "requester": RequesterFactory(),
        "staff": UserFactory(role="staff"),
        "other_staff": UserFactory(role="staff"),
        "lead": UserFactory(role="lead"),
        "leadership": UserFactory(role="leadership"),
    }


def test_lead_assigns_and_staff_work_it_through_to_closed(db_session, people):
    ta_request = submit(people["requester"])
    ref = ta_request.reference
    assign_request(ref, people["staff"].id, actor=people["lead"], note="Financing expert")
    assert ta_request.stage == "assigned" and ta_request.assignee_id == people["staff"].id
    for target in ("in_progress", "delivered"):
        change_stage(ref, target, actor=people["staff"])
    close_request(ref, goal_met="yes", outcome_summary="Billing guide adopted", actor=people["staff"])
    history = db_session.scalars(select(StageChange).order_by(StageChange.id)).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, "submitted"),
        ("submitted", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "delivered"),
        ("delivered", "closed"),
    ]
    assert history[1].actor_id == people["lead"].id and history[1].note == "Financing expert"
    kinds = [o.kind for o in db_session.scalars(select(EmailOutbox).order_by(EmailOutbox.id))]
    assert kinds == [
        "request_received",
        "new_request",  # to the lead
        "stage_changed",
        "assigned",
        "stage_changed",
        "stage_changed",
        "stage_changed",
        "survey_requested",
    ]


def test_staff_cannot_move_a_request_assigned_to_someone_else(db_session, people):
    ref = submit(people["requester"]).reference
    assign_request(ref, people["staff"].id, actor=people["lead"])
    with pytest.raises(NotAllowed):
        change_stage(ref, "in_progress", actor=people["other_staff"])


def test_staff_and_leadership_cannot_assign(db_session, people):
    ref = submit(people["requester"]).reference
    for actor in (people["staff"], people["leadership"]):
        with pytest.raises(NotAllowed):
            assign_request(ref, people["staff"].id, actor=actor)


def test_a_transition_not_in_the_table_is_refused(db_session, people):
    ref = submit(people["requester"]).reference
    with pytest.raises(InvalidTransition):
        change_stage(ref, "closed", actor=people["lead"])
    with pytest.raises(InvalidTransition):
        change_stage(ref, "assigned", actor=people["lead"])  # only by assigning someone


def test_declining_needs_a_reason(db_session, people):
    ref = submit(people["requester"]).reference
    with pytest.raises(DomainError, match="note"):
        change_stage(ref, "declined", actor=people["lead"], note="  ")
    change_stage(ref, "declined", actor=people["lead"], note="Outside our scope: adult services")


def test_a_stale_form_is_told_someone_else_changed_it(db_session, people):
    ta_request = submit(people["requester"])
    seen_version = ta_request.version
    change_stage(ta_request.reference, "triage", actor=people["lead"])
    with pytest.raises(Conflict, match="changed by someone else"):
        change_stage(
            ta_request.reference, "declined", actor=people["lead"], note="dup", expected_version=seen_version
        )
    assert ta_request.stage == "triage"


def test_reassigning_closes_the_previous_assignment(db_session, people):
    ref = submit(people["requester"]).reference
    assign_request(ref, people["staff"].id, actor=people["lead"])
    assign_request(ref, people["other_staff"].id, actor=people["lead"], note="Rebalancing")
    rows = db_session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assert [(r.assignee_id, r.ended_at is None) for r in rows] == [
        (people["staff"].id, False),
        (people["other_staff"].id, True),
    ]


def test_requester_of_another_organization_cannot_find_the_request(db_session, people):
    ref = submit(people["requester"]).reference
    stranger = RequesterFactory()
    with pytest.raises(NotFound):
        change_stage(ref, "in_progress", actor=stranger)


def test_cannot_assign_to_a_requester_or_an_inactive_person(db_session, people):
    ref = submit(people["requester"]).reference
    gone = UserFactory(role="staff", active=False)
    for target in (people["requester"], gone):
        with pytest.raises(DomainError, match="active TA staff"):
            assign_request(ref, target.id, actor=people["lead"])
