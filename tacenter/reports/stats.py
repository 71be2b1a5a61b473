"""Percentiles aggregated in the database, the same figure on PostgreSQL and SQLite.

The figure is the continuous percentile (PostgreSQL's percentile_cont): the value at
position p * (n - 1) of the sorted values, interpolated between its two neighbours.
PostgreSQL computes it directly; on SQLite a window query returns only the (at most
two per percentile) neighbouring rows of each group, and Python interpolates them.
The number of queries never depends on the number of rows.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, Integer, Select, and_, cast, func, literal, or_, select

from tacenter.extensions import db

PERCENTILES = (0.5, 0.9)


def percentiles(
    value: ColumnElement, base: Select, *, group: ColumnElement | None = None, ps=PERCENTILES
) -> dict[object, dict[float, float | None]]:
    """{group key: {p: percentile of `value`}} over the rows of `base` (a select to add columns to).

    `base` carries the FROM, joins and WHERE; rows where `value` is NULL are left out.
    Without `group` the single key is None.
    """
    key = group if group is not None else literal(None)
    base = base.where(value.is_not(None))
    if db.engine.dialect.name == "postgresql":
        cols = [func.percentile_cont(p).within_group(value) for p in ps]
        rows = db.session.execute(base.with_only_columns(key.label("g"), *cols).group_by(key))
        return {
            row[0]: {p: (None if v is None else float(v)) for p, v in zip(ps, row[1:], strict=True)}
            for row in rows
        }
    return _sqlite_percentiles(value, base, key, group is not None, ps)


def percentiles_of(
    specs, base: Select, *, extra: list[ColumnElement] | None = None, ps=PERCENTILES
) -> tuple[tuple, dict[object, dict[float, float | None]]]:
    """{key: {p: value}} for specs of (key, value column, condition) over the rows of `base`,
    with the values of `extra` aggregate columns over the same rows.

    One query on PostgreSQL (ordered-set aggregates with FILTER, beside the extra columns);
    on SQLite one for the extra columns and one window query per spec. Either way the count
    depends on the specs, never on the rows.
    """
    extra = extra or []
    if db.engine.dialect.name == "postgresql":
        cols = [
            func.percentile_cont(p).within_group(value).filter(and_(cond, value.is_not(None)))
            for _, value, cond in specs
            for p in ps
        ]
        row = db.session.execute(base.with_only_columns(*extra, *cols)).one()
        values = iter(row[len(extra) :])
        return tuple(row[: len(extra)]), {key: {p: _float(next(values)) for p in ps} for key, _, _ in specs}
    extra_values = tuple(db.session.execute(base.with_only_columns(*extra)).one()) if extra else ()
    empty = dict.fromkeys(ps)
    return extra_values, {
        key: percentiles(value, base.where(cond), ps=ps).get(None, empty) for key, value, cond in specs
    }


def grouped_percentiles(
    columns: dict[str, ColumnElement], base: Select, group: ColumnElement, ps=PERCENTILES
) -> dict[str, dict[object, dict[float, float | None]]]:
    """{name: {group key: {p: value}}} for several columns: one query on PostgreSQL."""
    if db.engine.dialect.name != "postgresql":
        return {name: percentiles(column, base, group=group, ps=ps) for name, column in columns.items()}
    cols = [func.percentile_cont(p).within_group(column) for column in columns.values() for p in ps]
    out: dict[str, dict] = {name: {} for name in columns}
    for row in db.session.execute(base.with_only_columns(group, *cols).group_by(group)):
        values = iter(row[1:])
        for name in columns:
            out[name][row[0]] = {p: _float(next(values)) for p in ps}
    return out


def _float(value) -> float | None:
    return None if value is None else float(value)


def _sqlite_percentiles(value, base, key, grouped, ps):
    window = {"partition_by": key} if grouped else {}
    ranked = base.with_only_columns(
        key.label("g"),
        value.label("v"),
        func.row_number().over(order_by=value, **window).label("rn"),
        func.count().over(**window).label("n"),
    ).subquery()
    wanted = []
    for p in ps:
        below = cast((ranked.c.n - 1) * p, Integer) + 1
        wanted += [ranked.c.rn == below, ranked.c.rn == below + 1]
    rows = db.session.execute(select(ranked.c.g, ranked.c.v, ranked.c.rn, ranked.c.n).where(or_(*wanted)))
    by_group: dict[object, dict[int, float]] = defaultdict(dict)
    counts: dict[object, int] = {}
    for g, v, rn, n in rows:
        by_group[g][rn] = float(v)
        counts[g] = n
    return {g: {p: interpolate(values, counts[g], p) for p in ps} for g, values in by_group.items()}


def interpolate(values_by_rank: dict[int, float], n: int, p: float) -> float | None:
    """percentile_cont from the 1-based ranks around position p * (n - 1)."""
    if n == 0:
        return None
    position = p * (n - 1)
    lower = int(position)
    low = values_by_rank[lower + 1]
    high = values_by_rank.get(lower + 2, low)
    return low + (high - low) * (position - lower)


def percentile_cont(values: list[float], p: float) -> float | None:
    """The same figure computed in Python from raw values (for tests and small lists)."""
    if not values:
        return None
    ordered = sorted(values)
    return interpolate({i + 1: v for i, v in enumerate(ordered)}, len(ordered), p)
