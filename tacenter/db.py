"""Declarative base, timestamp mixin and the clock.

Times are stored in UTC; `utcnow` is a callable so defaults are evaluated per row
and tests can move the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING), type_annotation_map={datetime: UTCDateTime()}
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def tune_sqlite(engine) -> None:
    """WAL and a busy timeout, so the web app and the worker can share one SQLite file.

    synchronous=NORMAL, the setting SQLite recommends with WAL: a commit no longer waits for
    an fsync (which held the write lock for about 0.5 ms a commit here). The database stays
    consistent after any crash; a power loss may undo the last transactions, each whole (a
    request together with its outbox rows). Production runs on PostgreSQL."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def commit_keeping_loaded(session) -> None:
    """Commit without expiring the objects this request holds. For a POST that redirects
    right after its write: what it just wrote is current, so reading it back is waste."""
    session = session() if callable(session) else session  # a scoped_session gives its Session
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def render_migration_type(type_, obj, autogen_context):
    """Alembic autogenerate: write UTCDateTime as a plain DateTime, so migrations need no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


class StatementCounter:
    """Counts the SQL statements sent on `engine` while open.

    How tests and benchmarks pin a page's query count (it must not grow with the data).
    """

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []
        self.parameters: list = []  # what each statement was sent with (benchmarks EXPLAIN them)

    @property
    def count(self) -> int:
        return len(self.statements)

    def _seen(self, conn, cursor, statement, parameters, *args) -> None:
        self.statements.append(statement)
        self.parameters.append(parameters)

    def __enter__(self) -> StatementCounter:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)
