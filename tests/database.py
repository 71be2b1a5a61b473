"""Each test's database emptied after it, as fast as each database allows."""

from __future__ import annotations

# PostgreSQL: the tables holding rows, and those whose id sequence was drawn from (so ids start
# at 1 again, as after RESTART IDENTITY), in one round trip.
_USED_SEQUENCE_TABLES = """
SELECT t.relname FROM pg_sequences ps
JOIN pg_class s ON s.relname = ps.sequencename AND s.relkind = 'S'
JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = ps.schemaname
JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
WHERE ps.last_value IS NOT NULL AND ps.schemaname = current_schema()
"""


def _dirty_pg_tables(conn, tables) -> list[str]:
    holding = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
    )
    names = {t.name for t in tables}
    return sorted(
        {row[0] for row in conn.exec_driver_sql(f"{holding} UNION {_USED_SEQUENCE_TABLES}")} & names
    )


def empty_tables() -> None:
    """Every table emptied (kept: the schema and alembic's version), as an empty database.

    On PostgreSQL only the tables a test wrote to are truncated: TRUNCATE makes new files for
    each table it names, about 30 ms a table on a busy disk, and a test touches a handful of 69."""
    from tacenter.extensions import db

    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            dirty = _dirty_pg_tables(conn, tables)
            if dirty:
                conn.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{name}"' for name in dirty) + " RESTART IDENTITY CASCADE"
                )
        else:
            for table in tables:
                conn.execute(table.delete())
