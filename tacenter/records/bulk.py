"""Inserting many rows fast in the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

Measured on 5,000 imported requests (32,000 rows with their topics and history) on PostgreSQL:
one INSERT per row, even pipelined, spent 25 s waiting on the server; multi-row INSERT …
RETURNING spent seconds per batch in the driver parsing the giant statement. COPY streams
the rows in one command per table and batch. Python-side column defaults (timestamps, the
version counter) are filled in here, since neither path runs them.
"""

from __future__ import annotations

from sqlalchemy import Table, func, insert, select, text

from tacenter.extensions import db


def _defaults(table: Table, given: set[str]) -> dict:
    values = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or not default.is_scalar and not default.is_callable:
            continue
        values[column.name] = default.arg(None) if default.is_callable else default.arg
    return values


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`; the caller commits."""
    if not rows:
        return
    defaults = _defaults(table, set(rows[0]))
    names = list(rows[0]) + list(defaults)
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), [{**row, **defaults} for row in rows])
        return
    tail = [defaults[name] for name in defaults]
    raw = connection.connection.driver_connection  # the same transaction, at the driver
    columns = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([*row.values(), *tail])


def reserve_ids(table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, so rows can be written whole (their reference
    made from the id) instead of inserted, then updated: an UPDATE rewrites every index of
    the row, the full-text one included."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
        return list(connection.scalars(query, {"table": table.name, "n": count}))
    # SQLite: the import's transaction holds the write lock, so no one else takes these.
    start = connection.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(start + 1, start + 1 + count))
