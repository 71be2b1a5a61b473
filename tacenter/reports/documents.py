"""The funder report's files: the PDF (funder_pdf, ReportLab) and the Excel workbook (openpyxl)."""

from __future__ import annotations

from tacenter.reports import exports
from tacenter.reports.funder_pdf import Summary, to_pdf
from tacenter.reports.tables import Table as ReportTable

__all__ = ["Summary", "to_pdf", "to_xlsx"]


def to_xlsx(
    title: str, period_label: str, narrative: str, tables: list[ReportTable], *, center_name: str
) -> bytes:
    return exports.to_xlsx(
        tables, preface=[[center_name], [title], [period_label], [], ["Narrative"], [narrative]]
    )
