"""The event tables' rows (group_ta/_event_table.html, my_events.html) as plain rows: an event's
columns, its collaborative's name and its facilitators' names, in the statement that finds the
events. ORM events with their collaborative and each facilitator's user cost a second statement
and more to build than the page's queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.group_ta.models import Collaborative, Event, EventFacilitator
from tacenter.group_ta.vocab import EventLabels

# Between names in the aggregate: the ASCII unit separator, which no one types in a name (one that
# held it would only be split in this list's display).
_SEPARATOR = "\x1f"
_FACILITATOR_NAMES = (
    select(func.aggregate_strings(User.name, _SEPARATOR))
    .select_from(EventFacilitator)
    .join(User, User.id == EventFacilitator.user_id)
    .where(EventFacilitator.event_id == Event.id)
    .correlate(Event)
    .scalar_subquery()
)
_COLUMNS = (
    Event.id, Event.title, Event.event_date, Event.event_type, Event.tier, Event.mode, Event.status,
    Collaborative.name.label("collaborative_name"), _FACILITATOR_NAMES.label("facilitator_names"),
)  # fmt: skip


@dataclass(frozen=True)
class EventRow(EventLabels):
    id: int
    title: str
    event_date: date
    event_type: str
    tier: str
    mode: str
    status: str
    collaborative_name: str | None
    facilitators: str  # their names, alphabetical, joined with ", "


def rows_statement(query: Select) -> Select:
    """`query` (a select of Event with its filters, order and limit) reading the rows' columns."""
    rows = query.with_only_columns(*_COLUMNS)
    return rows.outerjoin(Collaborative, Collaborative.id == Event.collaborative_id)


def event_rows(query: Select) -> list[EventRow]:
    """The events `query` finds, as rows."""
    return read_rows(rows_statement(query))


def read_rows(statement: Select, params: dict | None = None) -> list[EventRow]:
    """The rows of a rows_statement (one built once binds `params`)."""
    found = db.session.execute(statement, params or {})
    return [EventRow(*row[:-1], _names(row.facilitator_names)) for row in found]


def _names(joined: str | None) -> str:
    return ", ".join(sorted(joined.split(_SEPARATOR))) if joined else ""
