"""Cursor (keyset) pagination over the queue's sorts: a page never skips or repeats a request
when others are added meanwhile, and page 1,000 costs what page 1 does.

A cursor is the sort and the last row's sort key, base64url JSON; it is opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime

from sqlalchemy import Select, and_, or_

from tacenter.intake.models import TARequest

# sort -> (column, ascending?, nullable?) ; the id breaks ties in the same direction.
KEYS = {
    "newest": (TARequest.submitted_at, False, False),
    "oldest": (TARequest.submitted_at, True, False),
    "needed_by": (TARequest.needed_by, True, True),
    "updated": (TARequest.updated_at, False, False),
}


class BadCursor(ValueError):
    pass


def _encode_value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def encode(sort: str, row: TARequest) -> str:
    column = KEYS[sort][0]
    raw = json.dumps([sort, _encode_value(getattr(row, column.key)), row.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, sort: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        got_sort, value, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if got_sort != sort or not isinstance(last_id, int):
            raise BadCursor("This cursor belongs to another sort order.")
        if value is not None:
            value = date.fromisoformat(value) if sort == "needed_by" else datetime.fromisoformat(value)
        return value, last_id
    except BadCursor:
        raise
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCursor("This cursor is not one the API gave.") from None


def after(query: Select, sort: str, cursor: str) -> Select:
    """`query` (already ordered by workflow.queries.SORT_COLUMNS) from just after the cursor's row."""
    column, ascending, nullable = KEYS[sort]
    value, last_id = decode(cursor, sort)
    if value is None:  # nulls come last: only later nulls remain
        if not nullable:
            raise BadCursor("This cursor is not one the API gave.")
        return query.where(column.is_(None), TARequest.id > last_id)
    beyond = column > value if ascending else column < value
    tie = TARequest.id > last_id if ascending else TARequest.id < last_id
    condition = or_(beyond, and_(column == value, tie))
    if nullable:
        condition = or_(condition, column.is_(None))
    return query.where(condition)
