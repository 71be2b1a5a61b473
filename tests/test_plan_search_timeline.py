"""The TA plan, search over replies, and the one timeline (in order, in a bounded number of queries)."""

from datetime import date

import pytest

from tacenter.conversation.services import add_note, post_reply
from tacenter.conversation.timeline import timeline
from tacenter.delivery.plans import add_goal, add_step, set_step_status
from tacenter.delivery.services import ActivityValues, log_activity
from tacenter.errors import DomainError, NotAllowed
from tacenter.extensions import db
from tacenter.files.services import Upload, attach_files
from tacenter.workflow.queries import QueueFilters, queue_query
from tests.factories import PDF_BYTES, RequesterFactory, request_in_progress


def test_intensive_requests_get_a_plan_shared_with_the_requester(db_session, client, auth):
    ta_request, requester, staff, _ = request_in_progress(tier="intensive")
    goal = add_goal(ta_request.reference, "Medicaid pays for dyadic sessions by 2027", actor=staff)
    step = add_step(
        ta_request.reference,
        "Draft a billing guide",
        target_date=date(2027, 1, 15),
        goal_id=goal.id,
        actor=staff,
    )
    set_step_status(ta_request.reference, step.id, "in_progress", actor=staff)
    with pytest.raises(DomainError):
        set_step_status(ta_request.reference, step.id, "finished-ish", actor=staff)
    with pytest.raises(NotAllowed):
        add_goal(ta_request.reference, "Mine", actor=requester)
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert (
        "TA plan" in page
        and "Draft a billing guide" in page
        and "Jan 15, 2027" in page
        and "In progress" in page
    )


def test_plans_are_for_intensive_requests_only(db_session):
    ta_request, _, staff, _ = request_in_progress(tier="targeted")
    with pytest.raises(DomainError, match="intensive"):
        add_goal(ta_request.reference, "A goal", actor=staff)


def _found(actor, **filters):
    return {r.reference for r in db.session.scalars(queue_query(actor, QueueFilters(stage="all", **filters)))}


def test_search_finds_words_in_title_description_and_replies_with_the_queue_filters(db_session):
    staff = None
    billing, requester, staff, _ = request_in_progress(
        title="Medicaid billing for dyadic services",
        description="Clinics want to bill caregivers and children.",
    )
    visiting, *_ = request_in_progress(
        requester=requester,
        staff=staff,
        title="Reflective supervision",
        description="Home visitors need support.",
        state="OH",
    )
    post_reply(visiting.reference, "We recommend the endorsement framework.", actor=staff)
    add_note(billing.reference, "Secret endorsement gossip", actor=staff)
    assert _found(staff, q="billing") == {billing.reference}
    assert _found(staff, q="caregivers") == {billing.reference}
    assert _found(staff, q="endorsement") == {visiting.reference}  # the reply, not the note
    assert _found(staff, q="endorsement", state="NM") == set()  # with the queue's filters
    assert _found(staff, q=billing.reference) == {billing.reference}
    assert _found(RequesterFactory(), q="billing") == set()  # another organization sees nothing


def test_search_survives_odd_input(db_session):
    ta_request, _, staff, _ = request_in_progress(title="Budget 100% of costs")
    for words in ("%", "_", "\\", "'; drop table ta_request; --", "a & b | !c", "<script>", "ü" * 200):
        _found(staff, q=words)  # no error
    assert (
        ta_request.reference in _found(staff, q="100%") or db.session.get_bind().dialect.name == "postgresql"
    )


def test_the_timeline_is_in_order_and_staff_only_entries_stay_staff_only(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    post_reply(ta_request.reference, "First reply", actor=staff)
    add_note(ta_request.reference, "A note", actor=staff)
    attach_files(ta_request.reference, [Upload("plan.pdf", PDF_BYTES)], actor=requester)
    log_activity(
        ta_request.reference,
        ActivityValues(activity_date=date.today(), hours="1", mode="on_site"),
        actor=staff,
    )
    staff_kinds = [e.kind for e in timeline(ta_request, staff)]
    assert staff_kinds == ["stage", "stage", "assignment", "stage", "reply", "note", "file", "activity"]
    assert [e.kind for e in timeline(ta_request, requester)] == ["stage", "stage", "stage", "reply", "file"]
    whens = [e.when for e in timeline(ta_request, staff)]
    assert whens == sorted(whens)


def _count_queries(client, url) -> int:
    from tacenter.db import StatementCounter

    with StatementCounter(db.engine) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_the_request_page_makes_the_same_number_of_queries_however_long_the_record(db_session, client, auth):
    ta_request, requester, staff, _ = request_in_progress(tier="intensive")
    auth.login(staff)
    url = f"/requests/{ta_request.reference}"

    def grow(n):
        for i in range(n):
            post_reply(ta_request.reference, f"Reply {i}", actor=staff)
            add_note(ta_request.reference, f"Note {i}", actor=staff)
            attach_files(ta_request.reference, [Upload(f"f{i}.pdf", PDF_BYTES)], actor=staff)
            log_activity(
                ta_request.reference,
                ActivityValues(activity_date=date.today(), hours="1", mode="on_site"),
                actor=staff,
            )
            add_goal(ta_request.reference, f"Goal {i}", actor=staff)

    grow(2)
    client.get(url)  # a process's first page fills its catalog copies (tacenter/catalog/cache.py)
    small = _count_queries(client, url)
    grow(10)
    assert _count_queries(client, url) == small
