"""How a request's open transaction ends (tacenter/transactions.py): committed when it only
read, so PostgreSQL keeps the statements psycopg prepared; rolled back as before when anything
was written and not committed, or on an error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text

from tacenter.catalog.models import Topic
from tacenter.extensions import db
from tacenter.transactions import end_request_transaction
from tests.conftest import BACKEND, Auth, make_app
from tests.factories import RequesterFactory


def _topics(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Topic).where(Topic.name == name))


@pytest.mark.parametrize(
    "write",
    [
        lambda: db.session.execute(insert(Topic).values(name="Never committed")),  # Core, via the session
        lambda: (db.session.add(Topic(name="Never committed")), db.session.flush()),  # ORM, flushed
        lambda: db.session.add(Topic(name="Never committed")),  # ORM, pending
        lambda: db.session.execute(text("INSERT INTO topic (name, active) VALUES ('Never committed', true)")),
    ],
    ids=["core", "flushed", "pending", "raw sql"],
)
def test_what_a_request_wrote_and_did_not_commit_is_rolled_back(app, write):
    db.session.scalar(select(func.count()).select_from(Topic))
    write()
    end_request_transaction(db)
    db.session.remove()
    assert _topics("Never committed") == 0


def test_a_request_that_only_read_ends_its_transaction_and_an_error_rolls_back(app):
    db.session.add(Topic(name="Perinatal mental health"))
    db.session.commit()
    assert _topics("Perinatal mental health") == 1
    assert db.session().in_transaction()
    end_request_transaction(db)
    assert not db.session().in_transaction()  # committed: nothing left to roll back
    db.session.add(Topic(name="Never committed"))
    db.session.flush()
    end_request_transaction(db, RuntimeError("the view failed"))  # an error: left to the rollback
    db.session.remove()
    assert _topics("Never committed") == 0


@pytest.mark.skipif(BACKEND != "postgresql", reason="prepared statements are PostgreSQL's")
def test_pages_that_only_read_keep_the_statements_postgresql_prepared():
    # An app of its own: each request then has its own app context and teardown, as when served.
    site = make_app()
    client = site.test_client()
    Auth(client).login(RequesterFactory())
    for _ in range(8):  # psycopg prepares a statement on its sixth run on a connection
        assert client.get("/requests").status_code == 200
    with site.app_context():
        prepared = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert any("login_session" in statement for statement in prepared)  # the sign-in lookup
