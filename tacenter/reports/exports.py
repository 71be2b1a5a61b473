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


def to_xlsx(tables: Iterable[Table], *, preface: list[list] | None = None) -> bytes:
    """One sheet per table (titles cut to Excel's 31 characters), headers in bold."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if preface:
        sheet = workbook.create_sheet("Summary")
        for row in preface:
            sheet.append([safe_cell(v) for v in row])
    used = set()
    for table in tables:
        name = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet"
        while name in used:
            name = name[:28] + f"_{len(used)}"
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
