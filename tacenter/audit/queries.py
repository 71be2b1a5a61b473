"""Reading the audit log for admins: one filtered query for the page and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from tacenter.audit.models import AuditEvent
from tacenter.reports.tables import Table

EXPORT_HEADERS = [
    "Event",
    "Time (UTC)",
    "Actor id",
    "Actor",
    "Action",
    "Object type",
    "Object",
    "Organization id",
    "Address",
    "Outcome",
    "Detail",
    "Hash",
]
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    outcome: str = ""
    start: date | None = None
    end: date | None = None


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(tz))


def events_query(filters: AuditFilters, *, tz: str) -> Select:
    """Newest first; dates are whole days in the center's time zone, both ends included."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.actor:
        query = query.where(
            AuditEvent.actor_label.ilike(f"%{_escape_like(filters.actor.lower())}%", escape="\\")
        )
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.outcome:
        query = query.where(AuditEvent.outcome == filters.outcome)
    if filters.start:
        query = query.where(AuditEvent.occurred_at >= _local_midnight(filters.start, tz))
    if filters.end:
        query = query.where(AuditEvent.occurred_at < _local_midnight(filters.end + timedelta(days=1), tz))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def export_table(session, filters: AuditFilters, *, tz: str) -> Table:
    """The filtered events as a table for exports.to_csv (which escapes formulas)."""
    rows = session.scalars(events_query(filters, tz=tz).limit(EXPORT_LIMIT)).all()
    return Table(
        title="Audit log",
        headers=EXPORT_HEADERS,
        rows=[
            [
                e.id,
                e.occurred_at.isoformat(timespec="seconds"),
                e.actor_id,
                e.actor_label,
                e.action,
                e.object_type,
                e.object_ref,
                e.organization_id,
                e.address,
                e.outcome,
                e.detail,
                e.hash,
            ]
            for e in rows
        ],
    )
