"""A submitted request written in one INSERT, its topics in one more.

A request's reference (TA-<year>-<id:04d>) names its id, so the ORM wrote the row and then
UPDATEd it with the reference: two statements, and a unit of work around each. Here the INSERT
takes the next id itself and writes the reference beside it:
- PostgreSQL: the id column's own sequence, read once in a CTE (a CTE with a volatile function
  is evaluated once), so concurrent submissions get distinct ids as with the column's default;
- SQLite: one past the largest id, which is how SQLite picks a new rowid itself. The subquery
  runs inside the INSERT, which holds the database's single write lock from its first step, so
  two writers cannot read the same largest id.
The unique submission token still decides a double POST: the INSERT fails and the caller reads
the first request.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import String, bindparam, case, cast, func, insert, inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic

_TABLE = TARequest.__table__


def reference_of(number, prefix):
    """f"{prefix}{number:04d}" in SQL (on either database; lpad would cut ids past 9999)."""
    padding = case((number < 10, "000"), (number < 100, "00"), (number < 1000, "0"), else_="")
    return prefix + padding + cast(number, String)


@cache
def _defaults() -> dict:
    """Each column's scalar default (None where it has none), so the object returned is fully
    loaded: reading an unset attribute would cost a SELECT."""
    return {
        column.key: column.default.arg if column.default is not None else None
        for column in _TABLE.columns
        if column.key not in ("id", "reference") and (column.default is None or column.default.is_scalar)
    }


@cache
def _statement(dialect: str):
    """Built once per database: a statement object keeps its cache key, so SQLAlchemy neither
    rebuilds nor recompiles it per request."""
    prefix = bindparam("reference_prefix", type_=String)
    if dialect == "postgresql":
        sequence = func.pg_get_serial_sequence(_TABLE.name, _TABLE.c.id.name)
        number = select(func.nextval(sequence).label("id")).cte("next_request_id")
    else:
        # No WITH before the INSERT here: Python's sqlite3 opens its implicit transaction only
        # before a statement that begins with INSERT (UPDATE, DELETE, REPLACE), so a WITH ...
        # INSERT would commit on its own, outside the submission's transaction.
        number = select((func.coalesce(func.max(_TABLE.c.id), 0) + 1).label("id")).subquery()
    return (
        insert(_TABLE)
        .values(
            id=select(number.c.id).scalar_subquery(),
            reference=select(reference_of(number.c.id, prefix)).scalar_subquery(),
        )
        .returning(_TABLE.c.id, _TABLE.c.reference)
    )


_TOPICS = insert(ta_request_topic)


def insert_request(values: dict, *, year: int, topic_ids: list[int], requester) -> TARequest:
    """Write the request and its topic links in the session's transaction; returns it as a
    persistent object (no read back). Raises IntegrityError on a used submission token."""
    connection = db.session.connection()
    row = _defaults() | values
    statement = _statement(connection.dialect.name)
    new_id, reference = connection.execute(statement, {**row, "reference_prefix": f"TA-{year}-"}).one()
    connection.execute(_TOPICS, [{"ta_request_id": new_id, "topic_id": t} for t in topic_ids])
    # As the ORM builds a loaded object (its values straight into __dict__, no change events),
    # then into the session's identity map as persistent: nothing to flush, nothing to read.
    ta_request = TARequest.__mapper__.class_manager.new_instance()
    ta_request.__dict__.update(row, id=new_id, reference=reference)
    make_transient_to_detached(ta_request)
    db.session.add(ta_request)
    set_committed_value(ta_request, "requester", requester)
    set_committed_value(ta_request, "assignee", None)
    if "organization" not in inspect(requester).unloaded:
        set_committed_value(ta_request, "organization", requester.organization)
    return ta_request
