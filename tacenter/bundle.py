"""Rows of several tables in one statement: a UNION ALL whose branches each send their row as
one JSON object, turned back into Python values by the columns' types.

For a page that shows a little of many tables (the request page's timeline): one round trip
instead of one per table. Model rows come back as transient instances (never added to the
session, so nothing here is ever written) whose relationships the caller fills in with
`link`; a relationship left unfilled reads as None, never as a query.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Numeric, Select, func, literal_column, union_all
from sqlalchemy.orm import attributes, class_mapper, make_transient_to_detached
from sqlalchemy.types import TypeDecorator

from tacenter.extensions import db

_KEY = re.compile(r"^[a-z_]+$")


def model_select(model, *, only: tuple[str, ...] | None = None) -> Select:
    """`model`'s mapped columns labelled by attribute name (or just `only` of them)."""
    columns = [
        attr.columns[0].label(attr.key)
        for attr in class_mapper(model).column_attrs
        if only is None or attr.key in only
    ]
    return Select(*columns)


def _decoder(type_, dialect):
    decorator = type_ if isinstance(type_, TypeDecorator) else None
    impl = type_.impl_instance if decorator is not None else type_

    def base(value):
        if value is None:
            return None
        if isinstance(impl, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(impl, Date):
            return date.fromisoformat(value)
        if isinstance(impl, Boolean):
            return bool(value)
        if isinstance(impl, Numeric) and not isinstance(impl, Float) and impl.asdecimal:
            # JSON carries a float; the column's scale gives back the digits a plain read shows.
            exact = Decimal(str(value))
            return exact.quantize(Decimal(1).scaleb(-impl.scale)) if impl.scale is not None else exact
        if isinstance(impl, JSON) and isinstance(value, str) and dialect.name == "sqlite":
            return json.loads(value)  # SQLite's json_object quotes a JSON column's text
        return value

    if decorator is None:
        return base
    return lambda value: decorator.process_result_value(base(value), dialect)


class Bundle:
    """One UNION ALL of `branches` ({key: select}), built once: keep it (per dialect) and load
    it with the values of its bind parameters. Build a bundle once, not per page: turning the
    selects into one statement costs more than running it."""

    def __init__(self, branches: dict[str, Select], dialect):
        self.dialect = dialect
        build = func.json_build_object if dialect.name == "postgresql" else func.json_object
        parts, self.decoders = [], {}
        for key, select in branches.items():
            assert _KEY.match(key), key
            # Each branch reads its select as a subquery (which both databases flatten), so any
            # select works here, joins included, whatever its columns.
            columns = list(select.subquery(key).c)
            self.decoders[key] = {c.key: _decoder(c.type, dialect) for c in columns}
            pairs = [x for c in columns for x in (literal_column(f"'{c.key}'"), c)]
            parts.append(Select(literal_column(f"'{key}'").label("k"), build(*pairs).label("v")))
        self.statement = union_all(*parts)

    def load(self, **params) -> dict[str, list[dict]]:
        """{key: [row as {label: value}]}; rows come in no particular order: sort them in Python."""
        rows = defaultdict(list)
        for key, value in db.session.execute(self.statement, params):
            value = json.loads(value) if isinstance(value, str) else value
            decode = self.decoders[key]
            rows[key].append({name: decode[name](v) for name, v in value.items()})
        return rows


def instances(model, rows: list[dict]) -> list:
    """Transient `model` instances holding `rows`' values, as if loaded."""
    manager = class_mapper(model).class_manager
    made = []
    for row in rows:
        obj = manager.new_instance()
        for name, value in row.items():
            attributes.set_committed_value(obj, name, value)
        made.append(obj)
    return made


def persistent(objects: list) -> list:
    """`objects` as the session's own, clean (no SQL): for hanging on a persistent object, which
    a later add or flush may cascade to."""
    for obj in objects:
        make_transient_to_detached(obj)
    return [db.session.merge(obj, load=False) for obj in objects]


def set_list(obj, relationship: str, values: list) -> None:
    """Fill a to-many `relationship` of `obj`, as if loaded."""
    attributes.set_committed_value(obj, relationship, values)


def link(objects, relationship: str, foreign_key: str, targets: dict) -> None:
    """Fill `relationship` of each object from `targets` by its `foreign_key` value."""
    for obj in objects:
        attributes.set_committed_value(obj, relationship, targets.get(getattr(obj, foreign_key)))
