"""Auto-assign on submission, reassigning, bulk assignment, profiles and settings."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tacenter.errors import Conflict, DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.routing import profiles, services
from tacenter.routing.engine import current_settings
from tacenter.routing.models import RoutingSettings, StaffAbsence
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.models import Assignment, StageChange
from tests.factories import (
    RequesterFactory,
    TopicFactory,
    UserFactory,
    caseload_request,
    staff_profile,
    submit,
)


@pytest.fixture
def center(db_session):
    topic = TopicFactory(name="Financing")
    return {
        "topic": topic,
        "requester": RequesterFactory(),
        "lead": UserFactory(role="lead", name="Lee Lead"),
        "admin": UserFactory(role="admin"),
    }


def auto_mode(**extra):
    profiles.save_settings({"mode": "auto", **extra}, actor=db.session.scalar(select_admin()))


def select_admin():
    from tacenter.accounts.models import User

    return select(User).where(User.role == "admin").limit(1)


def outbox(kind):
    return db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.kind == kind).order_by(EmailOutbox.id)
    ).all()


def test_auto_mode_assigns_the_top_candidate_and_tells_the_lead(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[center["topic"]], states=["NM"])
    staff_profile(ben, secondary=[center["topic"]])
    auto_mode()
    ta_request = submit(center["requester"], topic=center["topic"])
    assert ta_request.stage == "assigned" and ta_request.assignee_id == ana.id
    assignment = db.session.scalar(select(Assignment))
    assert assignment.assigned_by_id is None and "covers NM; primary in Financing" in assignment.note
    move = db.session.scalar(select(StageChange).where(StageChange.to_stage == "assigned"))
    assert move.actor_id is None
    [to_lead] = outbox("routing_report")
    assert to_lead.to_address == center["lead"].email and "assigned to Ana" in to_lead.subject
    assert [o.to_address for o in outbox("assigned")] == [ana.email]
    assert "Automatic routing assigned you" in outbox("assigned")[0].text_body
    # The receipt is queued before anything routing adds, in the same transaction.
    kinds = [o.kind for o in db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id))]
    assert kinds[0] == "request_received" and set(kinds) == {
        "request_received",
        "stage_changed",
        "assigned",
        "routing_report",
    }


def test_auto_mode_with_no_one_eligible_leaves_it_in_triage_and_says_why(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    staff_profile(ana, primary=[center["topic"]], capacity=1)
    caseload_request(ana)  # full
    staff_profile(ben, primary=[TopicFactory(name="Home visiting")])
    auto_mode()
    ta_request = submit(center["requester"], topic=center["topic"])
    assert ta_request.stage == "submitted" and ta_request.assignee_id is None
    [to_lead] = outbox("routing_report")
    assert "no one could be assigned" in to_lead.subject
    assert "1 person: at capacity" in to_lead.text_body
    assert "1 person: no expertise in the request's topics" in to_lead.text_body
    notice = db.session.scalar(select(Notification).where(Notification.kind == "routing_report"))
    assert notice.user_id == center["lead"].id and "waiting in triage" in notice.message


def test_suggest_mode_leaves_the_decision_to_a_lead(center):
    staff_profile(UserFactory(), primary=[center["topic"]], states=["NM"])
    ta_request = submit(center["requester"], topic=center["topic"])
    assert current_settings().mode == "suggest"
    assert ta_request.stage == "submitted" and ta_request.assignee_id is None
    assert outbox("routing_report") == []


def test_reassigning_needs_a_note_and_tells_both_staff(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    ref = submit(center["requester"], topic=center["topic"]).reference
    assign_request(ref, ana.id, actor=center["lead"])
    with pytest.raises(DomainError, match="note"):
        services.reassign_request(ref, ben.id, actor=center["lead"], note=" ")
    services.reassign_request(ref, ben.id, actor=center["lead"], note="Ana is at capacity")
    [moved_away] = outbox("reassigned")
    assert moved_away.to_address == ana.email and "reassigned to Ben" in moved_away.subject
    assert "Ana is at capacity" in moved_away.text_body
    assert [o.to_address for o in outbox("assigned")] == [ana.email, ben.email]
    rows = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    assert [(r.assignee_id, r.ended_at is None, r.note) for r in rows] == [
        (ana.id, False, ""),
        (ben.id, True, "Ana is at capacity"),
    ]


def test_only_leads_reassign_and_only_assigned_requests(center):
    ana = UserFactory(name="Ana")
    ref = submit(center["requester"], topic=center["topic"]).reference
    with pytest.raises(DomainError, match="assign it instead"):
        services.reassign_request(ref, ana.id, actor=center["lead"], note="x")
    with pytest.raises(NotAllowed):
        services.reassign_request(ref, ana.id, actor=ana, note="x")


def test_a_lead_assigning_from_a_stale_page_is_told_who_has_it(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    other_lead = UserFactory(role="lead")
    ta_request = submit(center["requester"], topic=center["topic"])
    seen = ta_request.version
    assign_request(ta_request.reference, ana.id, actor=other_lead, expected_version=seen)
    with pytest.raises(Conflict, match="it is now with Ana"):
        assign_request(ta_request.reference, ben.id, actor=center["lead"], expected_version=seen)


def test_bulk_assign_gives_each_its_top_suggestion_and_reports_conflicts(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    visiting = TopicFactory(name="Home visiting")
    staff_profile(ana, primary=[center["topic"]])
    staff_profile(ben, primary=[visiting])
    first = submit(center["requester"], topic=center["topic"])
    second = submit(center["requester"], topic=visiting)
    third = submit(center["requester"], topic=visiting)
    stale = third.version
    assign_request(third.reference, ana.id, actor=center["lead"])
    results = services.bulk_assign(
        [(first.reference, first.version), (second.reference, second.version), (third.reference, stale)],
        None,
        actor=center["lead"],
    )
    assert [(r.reference, r.ok) for r in results] == [
        (first.reference, True),
        (second.reference, True),
        (third.reference, False),
    ]
    assert results[0].message == "assigned to Ana" and results[1].message == "assigned to Ben"
    assert "now with Ana" in results[2].message


def test_bulk_assign_to_one_person(center):
    ana = UserFactory(name="Ana")
    refs = [submit(center["requester"], topic=center["topic"]) for _ in range(3)]
    results = services.bulk_assign([(r.reference, None) for r in refs], ana.id, actor=center["lead"])
    assert all(r.ok for r in results)
    with pytest.raises(NotAllowed):
        services.bulk_assign([], ana.id, actor=ana)


def test_leads_edit_profiles_with_checked_values(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    other = TopicFactory(name="Home visiting")
    values = profiles.ProfileValues(
        capacity=4,
        backup_user_id=ben.id,
        primary_topic_ids=[center["topic"].id],
        secondary_topic_ids=[center["topic"].id, other.id],  # primary wins
        states=["NM", "AZ"],
    )
    profile = profiles.save_profile(ana.id, values, actor=center["lead"])
    assert profile.state_codes == ["AZ", "NM"] and profile.capacity == 4
    assert {(e.topic_id, e.level) for e in profile.expertise} == {
        (center["topic"].id, "primary"),
        (other.id, "secondary"),
    }
    profiles.save_profile(ana.id, profiles.ProfileValues(states=["NM"]), actor=center["lead"])  # edit again
    for bad, message in [
        (profiles.ProfileValues(states=["XX"]), "states"),
        (profiles.ProfileValues(capacity=-1), "Capacity"),
        (profiles.ProfileValues(primary_topic_ids=[9999]), "topics"),
        (profiles.ProfileValues(backup_user_id=ana.id), "own backup"),
    ]:
        with pytest.raises(DomainError, match=message):
            profiles.save_profile(ana.id, bad, actor=center["lead"])
        db.session.rollback()
    with pytest.raises(NotAllowed):
        profiles.save_profile(ana.id, values, actor=ana)


def test_staff_edit_only_their_own_availability(center):
    ana, ben = UserFactory(name="Ana"), UserFactory(name="Ben")
    today = date.today()
    profiles.add_absence(ana.id, today, today + timedelta(days=3), "Conference", actor=ana)
    profiles.add_absence(ana.id, today + timedelta(days=9), today + timedelta(days=9), actor=center["lead"])
    with pytest.raises(NotAllowed):
        profiles.add_absence(ana.id, today, today, actor=ben)
    with pytest.raises(DomainError, match="on or after"):
        profiles.add_absence(ana.id, today, today - timedelta(days=1), actor=ana)
    absence = db.session.scalar(select(StaffAbsence).order_by(StaffAbsence.id))
    with pytest.raises(Exception, match="no such absence"):
        profiles.remove_absence(absence.id, actor=ben)
    profiles.remove_absence(absence.id, actor=ana)
    assert len(db.session.scalars(select(StaffAbsence)).all()) == 1


def test_only_admins_change_routing_settings_and_values_are_checked(center):
    with pytest.raises(NotAllowed):
        profiles.save_settings({"mode": "auto"}, actor=center["lead"])
    with pytest.raises(DomainError):
        profiles.save_settings({"mode": "chaos"}, actor=center["admin"])
    with pytest.raises(DomainError):
        profiles.save_settings({"password_hash": "x"}, actor=center["admin"])
    with pytest.raises(DomainError):
        profiles.save_settings({"tier_intensive": 0}, actor=center["admin"])
    profiles.save_settings({"weight_state": 5.0, "stalled_days": 7}, actor=center["admin"])
    row = db.session.get(RoutingSettings, 1)
    assert row.weight_state == 5.0 and row.stalled_days == 7 and row.weight_primary == 40.0
