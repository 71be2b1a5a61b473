"""Submit writes with Core INSERTs (intake/writing.py, notifications/bulk.py, webhooks/events.py):
the request once, its reference included; webhook subscriptions from the process's copy; the new
rows' ids still reach the worker's nudge after commit."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, literal, select

from tacenter import jobs
from tacenter.catalog.models import CatalogVersion
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.intake.writing import insert_request, reference_of
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.webhooks import services as webhooks
from tacenter.webhooks.models import WebhookDelivery
from tests.conftest import csrf_token, make_app
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit


@pytest.fixture(autouse=True)
def _migrated_version_row(db_session):
    """The row the migration writes (the tests' emptied tables lack it)."""
    db_session.execute(delete(CatalogVersion))
    db_session.execute(insert(CatalogVersion).values(id=1, token="as-migrated"))
    db_session.commit()


def test_the_request_is_written_once_with_its_reference(db_session):
    lead = UserFactory(role="lead")
    ta_request = submit(RequesterFactory())
    db_session.expire_all()
    row = db_session.get(TARequest, ta_request.id)
    assert row.reference == ta_request.reference == f"TA-{row.submitted_at.year}-{row.id:04d}"
    assert row.version == 1  # no UPDATE followed the INSERT (each UPDATE bumps the version)
    notices = db_session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind) for n in notices] == [
        (ta_request.requester_id, "request_received"),
        (lead.id, "new_request"),
    ]
    emails = db_session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)).all()
    assert [(e.notification_id, e.recipient_id) for e in emails] == [(n.id, n.user_id) for n in notices]


def test_the_request_insert_is_part_of_the_callers_transaction(db_session):
    """Python's sqlite3 begins its implicit transaction only before a statement that starts with
    INSERT: a WITH ... INSERT would commit by itself, and a failed submission would leave it."""
    requester, topic = RequesterFactory(), TopicFactory()
    db_session.commit()
    now = utcnow()
    values = {"submission_token": "rolled-back", "title": "A title", "description": "Words",
              "state": "NM", "requester_id": requester.id, "organization_id": requester.organization_id,
              "stage": "submitted", "submitted_at": now, "created_at": now, "updated_at": now}  # fmt: skip
    insert_request(values, year=now.year, topic_ids=[topic.id], requester=requester)
    db_session.rollback()
    assert db_session.scalar(select(func.count(TARequest.id))) == 0


@pytest.mark.parametrize("number", [1, 7, 42, 123, 999, 1000, 9999, 10000, 123456])
def test_the_reference_is_formatted_in_sql_as_in_python(db_session, number):
    made = db_session.scalar(select(reference_of(literal(number), literal("TA-2026-"))))
    assert made == f"TA-2026-{number:04d}"


def _post(client) -> None:
    topic_id = db.session.scalar(select(TopicFactory._meta.model.id))
    data = {"title": "Screening tools for toddlers", "description": "We want to choose a screening tool.",
            "topic_ids": topic_id, "state": "NM", "tier": "targeted", "urgency": "routine",
            "preferred_mode": "virtual_meeting", "program_id": "", "desired_outcome": "",
            "submission_token": f"t-{db.session.scalar(select(func.count(TARequest.id)))}",
            "csrf_token": csrf_token(client, "/requests/new")}  # fmt: skip
    assert client.post("/requests/new", data=data).status_code == 302


def _deliveries() -> int:
    return db.session.scalar(select(func.count(WebhookDelivery.id)))


def test_a_subscription_made_or_ended_elsewhere_counts_from_the_next_submit(client, auth, db_session):
    TopicFactory()
    admin = UserFactory(role="admin")
    auth.login(RequesterFactory())
    _post(client)  # this process now keeps the (empty) list of subscriptions
    assert _deliveries() == 0

    other = make_app()  # another web process subscribes: this one's copy must not be used
    with other.app_context():
        subscription = webhooks.subscribe("http://127.0.0.1:9/hook", ["request.submitted"], actor=admin)
        subscription_id = subscription.id
        db.session.remove()
    _post(client)
    assert _deliveries() == 1

    webhooks.unsubscribe(subscription_id, actor=admin)
    _post(client)
    assert _deliveries() == 1


def test_core_written_emails_and_deliveries_are_nudged_after_commit(db_session, monkeypatch):
    nudged: dict = {}
    monkeypatch.setattr(
        jobs._NUDGER, "nudge", lambda send, ids: nudged.setdefault(send.__name__, []).extend(ids)
    )
    webhooks.subscribe("http://127.0.0.1:9/hook", ["request.submitted"], actor=UserFactory(role="admin"))
    UserFactory(role="lead")
    nudged.clear()
    submit(RequesterFactory())
    assert sorted(nudged["enqueue_deliveries"]) == list(
        db_session.scalars(select(EmailOutbox.id).order_by(EmailOutbox.id))
    )
    assert nudged["enqueue_webhooks"] == list(db_session.scalars(select(WebhookDelivery.id)))
    assert len(nudged["enqueue_deliveries"]) == 2


def test_the_form_leaves_csrf_to_csrfprotect_which_refuses_a_post_without_the_token(client, auth, db_session):
    TopicFactory()
    auth.login(RequesterFactory())
    html = client.get("/requests/new").get_data(as_text=True)
    form = html[html.index('<form method="post" novalidate class="form">') :]
    assert form[: form.index("</form>")].count('name="csrf_token"') == 1  # the template's, not the form's
    topic_id = db.session.scalar(select(TopicFactory._meta.model.id))
    data = {"title": "Screening tools for toddlers", "description": "We want to choose a screening tool.",
            "topic_ids": topic_id, "state": "NM", "tier": "targeted", "urgency": "routine",
            "preferred_mode": "virtual_meeting", "submission_token": "no-csrf"}  # fmt: skip
    assert client.post("/requests/new", data=data).status_code == 400
    assert db.session.scalar(select(func.count(TARequest.id))) == 0
    _post(client)
    assert db.session.scalar(select(func.count(TARequest.id))) == 1
