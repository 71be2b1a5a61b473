"""Two (or eight) leads assigning the same request at the same moment: exactly one wins.

Real concurrent transactions on PostgreSQL: each claimer is a thread with its own app
context, so its own session and connection, released together by a barrier.
"""

import os
import threading

import pytest
from sqlalchemy import func, select

from tacenter.accounts.models import User
from tacenter.errors import Conflict
from tacenter.extensions import db
from tacenter.workflow.assignment import assign_request
from tacenter.workflow.models import Assignment
from tests.conftest import BACKEND, Auth, csrf_token
from tests.factories import UserFactory, caseload_request

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="real concurrent transactions need PostgreSQL"
)
TRIALS = int(os.environ.get("RACE_TRIALS", "60"))
CLAIMERS = 8


def _claim(app, barrier, reference, version, lead_id, staff_id, results, index):
    with app.app_context():
        lead = db.session.get(User, lead_id)
        try:
            barrier.wait(timeout=30)
            assign_request(reference, staff_id, actor=lead, expected_version=version)
            results[index] = ("won", None)
        except Conflict as error:
            results[index] = ("lost", error.message)
        except Exception as error:  # anything else is a failure of the test
            results[index] = ("error", repr(error))
        finally:
            db.session.remove()


def test_exactly_one_of_eight_concurrent_assignments_wins_every_trial(app, db_session):
    leads = [UserFactory(role="lead", name=f"Lead {i}") for i in range(CLAIMERS)]
    staff = [UserFactory(role="staff", name=f"Staff {i}") for i in range(CLAIMERS)]
    requests = [caseload_request(None, stage="submitted") for _ in range(TRIALS)]
    facts = [(r.id, r.reference, r.version) for r in requests]
    lead_ids, staff_ids = [u.id for u in leads], [u.id for u in staff]
    names = {u.id: u.name for u in staff}
    db.session.remove()
    for request_id, reference, version in facts:
        barrier = threading.Barrier(CLAIMERS)
        results = [None] * CLAIMERS
        threads = [
            threading.Thread(
                target=_claim,
                args=(app, barrier, reference, version, lead_ids[i], staff_ids[i], results, i),
            )
            for i in range(CLAIMERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        outcomes = [r[0] for r in results]
        assert outcomes.count("won") == 1, results
        assert outcomes.count("lost") == CLAIMERS - 1, results
        winner = staff_ids[outcomes.index("won")]
        # Every loser is told who won.
        assert all(
            f"it is now with {names[winner]}" in message for kind, message in results if kind == "lost"
        )
        open_rows = db.session.execute(
            select(Assignment.assignee_id).where(
                Assignment.ta_request_id == request_id, Assignment.ended_at.is_(None)
            )
        ).all()
        assert open_rows == [(winner,)]
        db.session.remove()
    total_open = db.session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.ended_at.is_(None))
    )
    assert total_open == TRIALS


def test_concurrent_assign_posts_give_one_redirect_and_409s_naming_the_winner(app, db_session):
    claimers = 4
    leads = [UserFactory(role="lead", name=f"Lead {i}") for i in range(claimers)]
    staff = [UserFactory(role="staff", name=f"Staff {i}") for i in range(claimers)]
    clients = []
    for lead in leads:
        client = app.test_client()
        Auth(client).login(lead)  # password, then the second factor every lead must have
        clients.append((client, csrf_token(client, "/triage")))
    for _ in range(10):
        ta_request = caseload_request(None, stage="submitted")
        reference, version = ta_request.reference, ta_request.version
        barrier = threading.Barrier(claimers)
        statuses = [None] * claimers

        def post(i):
            client, token = clients[i]
            with app.app_context():
                barrier.wait(timeout=30)
                response = client.post(
                    f"/triage/{reference}/assign",
                    data={"csrf_token": token, "version": version, "assignee_id": staff[i].id},
                )
                statuses[i] = (response.status_code, response.get_data(as_text=True))
                db.session.remove()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(claimers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        codes = [s[0] for s in statuses]
        assert sorted(codes) == [302] + [409] * (claimers - 1), codes
        winner = staff[codes.index(302)].name
        assert all(f"it is now with {winner}" in body for code, body in statuses if code == 409)
