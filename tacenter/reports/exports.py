"""Reports as CSV and Excel workbooks.

Cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) are prefixed with a single quote, against formula injection (OWASP).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from tacenter.reports.tables import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that cannot run as a formula; numbers pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


SHEET_NAME_MAX = 31  # Excel's limit
# Shorter words for the same thing, so a sheet's name still says which table it holds.
SHORTER = (
    ("Requests received", "Requests"),
    ("Satisfaction and outcomes", "Satisfaction"),
    ("organization type", "org type"),
    ("staff member", "staff"),
    ("grant program", "program"),
    ("state or territory", "state"),
    ("Post-event survey items", "Event items"),
    ("Post-event response rates", "Event responses"),
    ("event type and tier", "type, tier"),
    ("change type", "change"),
)


def sheet_name(title: str, used: set[str]) -> str:
    """A distinct sheet name of at most 31 characters that still names the table."""
    name = "".join(c for c in title if c not in "[]:*?/\\").strip()
    name = name.replace(*SHORTER[0])  # every requests sheet alike, long or short
    for long, short in SHORTER[1:]:
        if len(name) <= SHEET_NAME_MAX:
            break
        name = name.replace(long, short)
    if len(name) > SHEET_NAME_MAX:  # cut at a word, never mid-word
        name = name[: SHEET_NAME_MAX + 1].rsplit(" ", 1)[0]
    name = name or "Table"
    base, n = name, 2
    while name.lower() in {u.lower() for u in used}:  # Excel compares names case-blind
        suffix = f" ({n})"
        name, n = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix, n + 1
    return name


def to_xlsx(tables: Iterable[Table], *, preface: list[list] | None = None) -> bytes:
    """One sheet per table, named for it within Excel's 31 characters; headers in bold."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if preface:
        sheet = workbook.create_sheet("Summary")
        for row in preface:
            sheet.append([safe_cell(v) for v in row])
    used: set[str] = {"Summary"} if preface else set()
    for table in tables:
        name = sheet_name(table.title, used)
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        if table.definition:
            sheet.append([])
            sheet.append([safe_cell(table.definition)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
