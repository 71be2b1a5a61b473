"""The queue as a download (CSV or Excel): every row of the page's query, not only one page.

It reads the same statement as the page (`queue_query`, which starts from
`visible_requests`), so the download can never hold a request the page would not list.
Text cells go through reports.exports.safe_cell against formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import Select

from tacenter.extensions import db
from tacenter.intake.table import table_rows
from tacenter.reports.exports import safe_cell
from tacenter.vocab import Tier, Urgency, choices
from tacenter.workflow.rules import LABELS, Stage

HEADERS = (
    "Reference", "Title", "Stage", "Organization", "State", "Tier", "Urgency", "Needed by",
    "Assigned to", "Submitted",
)  # fmt: skip
TIERS, URGENCIES = dict(choices(Tier)), dict(choices(Urgency))
BATCH = 500  # rows fetched at a time: no ORM objects pile up for a large center's whole queue


def _stage(value: str) -> str:
    try:
        return LABELS[Stage(value)]
    except ValueError:
        return value


def rows(query: Select, *, tz: str) -> Iterator[list]:
    """The queue's rows in the page's order, as cells (dates in the center's time zone)."""
    zone = ZoneInfo(tz)
    result = db.session.execute(table_rows(query).execution_options(yield_per=BATCH))
    for r in result:
        yield [
            safe_cell(v)
            for v in (
                r.reference,
                r.title,
                _stage(r.stage),
                r.organization_name,
                r.state,
                str(TIERS.get(r.tier, r.tier)),
                str(URGENCIES.get(r.urgency, r.urgency)),
                r.needed_by.isoformat() if r.needed_by else "",
                r.assignee_name or "Unassigned",
                r.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            )
        ]


def csv_text(query: Select, *, tz: str) -> str:
    """The queue as CSV. Built whole rather than streamed: a streamed body would read the
    database after the view returned, outside its session's request."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(query, tz=tz))
    return out.getvalue()


def xlsx_bytes(query: Select, *, tz: str) -> bytes:
    """An Excel workbook of the queue (write-only: rows are not kept as cell objects)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Requests")
    sheet.append(list(HEADERS))
    for row in rows(query, tz=tz):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
