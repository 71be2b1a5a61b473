"""How a request's database transaction ends when the view left it open.

psycopg prepares a statement on the PostgreSQL server once a connection has run it five times,
so the server plans it once: the request page's UNION ALL takes about 1.5 ms to plan and 0.4 ms
to run, and planning is the database's CPU, which shares the machine with the app. But psycopg
forgets every prepared statement when a transaction is rolled back (it cannot tell what the
rollback undid), and SQLAlchemy rolls back whatever a request left open when its session
closes: every page was planned afresh on every view.

A transaction that only read ends the same way by COMMIT as by ROLLBACK, so a request whose
statements were all SELECTs commits instead. Anything else leaves the rollback as it was: any
other statement on the connection in this transaction (an INSERT, UPDATE or DELETE, a CTE, raw
SQL), objects added, changed or deleted in the session but not flushed, or an error.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

# On a connection's info: a statement other than a SELECT since its last commit or rollback.
WROTE = "tacenter_wrote"


def init_app(app: Flask, db) -> None:
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _note_writes):
        event.listen(engine, "before_cursor_execute", _note_writes)
        for name in ("commit", "rollback"):
            event.listen(engine, name, _forget)
        event.listen(engine.pool, "checkin", _forget_record)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in
    # reverse): the session is still open.
    @app.teardown_appcontext
    def _end_transaction(exc: BaseException | None) -> None:
        end_request_transaction(db, exc)


def end_request_transaction(db, exc: BaseException | None = None) -> None:
    """Commit the request's transaction if it only read (see the module's docstring)."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(WROTE):
        return
    session.commit()


def _note_writes(conn, cursor, statement: str, parameters, context, executemany) -> None:
    if (
        executemany
        or statement.lstrip()[:6].upper() != "SELECT"
        or (context is not None and (context.isinsert or context.isupdate or context.isdelete))
    ):
        conn.info[WROTE] = True


def _forget(conn) -> None:
    conn.info.pop(WROTE, None)


def _forget_record(dbapi_connection, connection_record) -> None:
    connection_record.info.pop(WROTE, None)
