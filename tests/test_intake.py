from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tacenter.errors import DomainError, NotAllowed
from tacenter.intake.models import TARequest
from tacenter.intake.services import submit_request
from tacenter.notifications.models import EmailOutbox
from tacenter.workflow.models import StageChange
from tests.factories import RequesterFactory, TopicFactory, UserFactory, draft, submit


def test_submitting_gives_a_reference_records_history_and_queues_the_receipt(db_session):
    requester = RequesterFactory()
    ta_request = submit(requester)
    assert ta_request.reference.startswith(f"TA-{ta_request.submitted_at.year}-")
    assert ta_request.stage == "submitted"
    assert ta_request.organization_id == requester.organization_id
    changes = db_session.scalars(select(StageChange)).all()
    assert [(c.from_stage, c.to_stage) for c in changes] == [(None, "submitted")]
    outbox = db_session.scalars(select(EmailOutbox)).all()
    assert [(o.to_address, o.kind, o.status) for o in outbox] == [
        (requester.email, "request_received", "pending")
    ]
    assert ta_request.reference in outbox[0].subject


def test_the_same_submission_posted_twice_makes_one_request(db_session):
    requester, topic = RequesterFactory(), TopicFactory()
    first = submit_request(draft([topic.id]), submission_token="tok-1", actor=requester)
    second = submit_request(draft([topic.id]), submission_token="tok-1", actor=requester)
    assert first.id == second.id
    assert db_session.scalar(select(func.count()).select_from(TARequest)) == 1
    assert db_session.scalar(select(func.count()).select_from(EmailOutbox)) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"needed_by": date.today() - timedelta(days=2)}, "past"),
        ({"state": "ZZ"}, "state"),
        ({"topic_ids": [99999]}, "topic"),
        ({"topic_ids": []}, "topic"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(db_session, overrides, message):
    requester, topic = RequesterFactory(), TopicFactory()
    values = {"topic_ids": [topic.id], **overrides}
    with pytest.raises(DomainError, match=message):
        submit_request(draft(**values), submission_token="tok", actor=requester)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(TARequest)) == 0


def test_only_requesters_submit(db_session):
    with pytest.raises(NotAllowed):
        submit(UserFactory(role="staff"))
