"""Seeds the run's database (run on a web host): requesters in organizations, one lead, a topic,
requests whose "unassigned" reminder is due, like tests/test_worker_faults.py::due_requests, and
an admin's webhook subscription to every submitted request, posting to the mail host's receiver.

    python -m deploy.multihost.seed ACCOUNTS ORGS REMINDERS HOOK_URL SECRET_FILE -> one JSON line
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from sqlalchemy import update

from tacenter import create_app
from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import hash_password
from tacenter.catalog.models import Topic
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.intake.services import RequestDraft, submit_request
from tacenter.notifications.models import EmailOutbox
from tacenter.vocab import OrgType, Role
from tacenter.webhooks.models import EventType
from tacenter.webhooks.services import subscribe
from tacenter.workflow.services import change_stage

PASSWORD = "multihost-soak-password"  # noqa: S105 (a throwaway database's test accounts)  # pragma: allowlist secret


def seed(accounts: int, orgs: int, reminders: int, hook_url: str, secret_file: str) -> dict:
    digest = hash_password(PASSWORD)
    topic = Topic(name="Screening and assessment")
    lead = User(
        email="lead@multihost.test", name="Lead", role=Role.LEAD.value, password_hash=digest, active=True
    )
    db.session.add_all([topic, lead])
    organizations = [
        Organization(name=f"Multihost org {i}", org_type=OrgType.SAMHSA_GRANTEE.value, state="NM")
        for i in range(orgs)
    ]
    db.session.add_all(organizations)
    users = [
        User(
            email=f"requester{i}@multihost.test",
            name=f"Requester {i}",
            role=Role.REQUESTER.value,
            password_hash=digest,
            active=True,
            organization=organizations[i % orgs],
        )
        for i in range(accounts)
    ]
    db.session.add_all(users)
    db.session.commit()
    past = utcnow() - timedelta(days=30)
    for i in range(reminders):  # triaged a month ago, never assigned: one reminder each is due
        draft = RequestDraft(
            title=f"Due reminder {i}",
            description="Waiting for an assignee.",
            desired_outcome="",
            topic_ids=[topic.id],
            state="NM",
        )
        when = past + timedelta(seconds=i)
        ta_request = submit_request(draft, submission_token=f"seed-{i}", actor=users[i % accounts], now=when)
        change_stage(ta_request.reference, "triage", actor=lead, now=when + timedelta(minutes=1))
    db.session.execute(update(EmailOutbox).values(status="sent"))  # the seed's own mail is not counted
    db.session.commit()
    # Subscribed after the seed's own requests, so every delivery counted is one the load caused.
    admin = User(
        email="admin@multihost.test", name="Admin", role=Role.ADMIN.value, password_hash=digest, active=True
    )
    db.session.add(admin)
    db.session.flush()
    events = [EventType.REQUEST_SUBMITTED.value]
    subscription = subscribe(hook_url, events, description="multihost", actor=admin)
    with open(secret_file, "w") as out:  # the receiver verifies each signature with it
        out.write(subscription.secret)
    return {
        "password": PASSWORD,
        "topic_id": topic.id,
        "accounts": [{"email": u.email, "org_id": u.organization_id} for u in users],
    }


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        counts = (int(a) for a in sys.argv[1:4])
        print(json.dumps(seed(*counts, hook_url=sys.argv[4], secret_file=sys.argv[5])))
