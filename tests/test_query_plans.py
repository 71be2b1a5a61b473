"""The staff queue's default page reads the partial index of open requests.

`TARequest.is_open()` renders the open stages as literals because a planner matches a
partial index's predicate only against literals (SQLite always; PostgreSQL once psycopg has
prepared the statement and its plan is generic). Written with bound parameters, the queue
would sort every open request on each view and nothing else would notice: on SQLite this
test fails then.
"""

from __future__ import annotations

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.db import StatementCounter
from tacenter.demo.seed import seed_demo
from tacenter.extensions import db
from tacenter.intake.table import table_rows
from tacenter.workflow.queries import QueueFilters, queue_query


def _plan_as_sent(statement) -> str:
    """The plan of `statement` as the app sends it: the SQL text and parameters that reach
    the database driver, not a rendering with every value inlined."""
    with StatementCounter(db.engine) as sent:
        db.session.execute(statement).all()
    (sql,), (parameters,) = sent.statements, sent.parameters
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    sqlite = db.engine.dialect.name == "sqlite"
    cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, parameters)
    return "\n".join(str(row) for row in cursor.fetchall())


def test_the_queue_and_its_due_views_read_the_partial_indexes_of_open_requests(app):
    """The queue's default page reads the open requests by submission; the saved views "due this
    week" and "overdue", which filter and sort by needed-by, read them by needed-by (without
    ix_ta_request_open_needed_by both their statements scan every request ever made). One seed
    for the three plans: it is most of this test's time."""
    seed_demo(request_count=3000)  # ends with ANALYZE, as after any bulk load
    staff = db.session.scalar(select(User).where(User.role == "staff"))
    page = table_rows(queue_query(staff, QueueFilters())).limit(25)
    assert "ix_ta_request_open_submitted" in _plan_as_sent(page)
    for due in ("week", "overdue"):
        page = table_rows(queue_query(staff, QueueFilters(due=due, sort="needed_by"))).limit(25)
        assert "ix_ta_request_open_needed_by" in _plan_as_sent(page), due
