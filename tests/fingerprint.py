"""A fingerprint of every domain row, to tell that a request changed nothing in the database.

The access matrices take one before and after each of thousands of requests, so it is one
statement: one SELECT per table through SQLAlchemy made it most of the matrix's time.
"""

from __future__ import annotations

from functools import cache

# Tables that record sign-ins and access rather than domain data (a signed-in request touches
# them, and the audit log records reads, refusals and downloads by design).
NOT_DOMAIN = {"login_session", "audit_event", "audit_chain_head", "audit_archive"}
# Columns that record use, not domain state: a token's last use is written at most once a minute
# whatever the answer, so a long matrix run crosses that minute on a denied call now and then.
USE_RECORDS = {"api_token": {"last_used_at"}}


def database_fingerprint() -> str:
    """Each domain table's name, row count and rows (independent of their order), committed."""
    from tacenter.extensions import db

    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(_digest_sql(conn.dialect.name)).all()
        # Committed, not rolled back: psycopg keeps the statement prepared (planning its 65
        # subqueries was most of its time on PostgreSQL) only past a transaction's commit.
        conn.commit()
    return repr(sorted(rows))


@cache
def _digest_sql(dialect: str) -> str:
    from tacenter.extensions import db

    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_DOMAIN]
    return " UNION ALL ".join(_table_digest_sql(t, dialect) for t in tables)


def _table_digest_sql(table, dialect: str) -> str:
    """PostgreSQL: an order-free sum of 64-bit row hashes. SQLite, which has no hash function:
    each row as SQL literals, sorted and joined."""
    columns = [c.name for c in table.columns if c.name not in USE_RECORDS.get(table.name, ())]
    if dialect == "postgresql":
        row = "ROW(" + ", ".join(f'"{c}"' for c in columns) + ")::text"
        return f"SELECT '{table.name}', count(*), sum(hashtextextended({row}, 0)) FROM \"{table.name}\""
    row = " || char(31) || ".join(f'quote("{c}")' for c in columns)
    # An aggregate over a subquery with ORDER BY reads it in that order (SQLite does not flatten it).
    return (
        f"SELECT '{table.name}', count(*), group_concat(r, char(30)) "
        f'FROM (SELECT {row} AS r FROM "{table.name}" ORDER BY r)'
    )
