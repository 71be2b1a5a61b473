from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tacenter.errors import DomainError, NotAllowed
from tacenter.intake.models import TARequest
from tacenter.intake.services import submit_request
from tacenter.notifications.models import EmailOutbox
from tacenter.notifications.rendering import render_deferred
from tacenter.notifications.services import deliver_email
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
    # Written in the submission's transaction; the worker renders it when it sends it.
    assert outbox[0].render_at_delivery and render_deferred(outbox[0])
    assert ta_request.reference in outbox[0].subject
    assert f"http://tacenter.test/requests/{ta_request.reference}" in outbox[0].text_body


def test_the_receipt_and_the_leads_notice_are_sent_in_each_recipients_language(db_session, tmp_path):
    requester, lead = RequesterFactory(locale="es"), UserFactory(role="lead")
    ta_request = submit(requester)
    sent = {}
    for row in db_session.scalars(select(EmailOutbox)):
        assert row.subject == "" and deliver_email(row.id) == "sent"
        db_session.refresh(row)
        sent[row.to_address] = row
    receipt, notice = sent[requester.email], sent[lead.email]
    assert receipt.subject == f"Recibimos su solicitud de asistencia técnica {ta_request.reference}"
    assert 'lang="es"' in receipt.html_body and ta_request.title in receipt.text_body
    assert notice.subject == f"New request {ta_request.reference}: {ta_request.title}"
    assert requester.organization.name in notice.text_body


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
