"""The funder report as a PDF (ReportLab) and an Excel workbook (openpyxl)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tacenter.reports import exports
from tacenter.reports.tables import Table as ReportTable


def to_pdf(title: str, period_label: str, narrative: str, tables: list[ReportTable]) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=letter, title=title, leftMargin=0.7 * inch, rightMargin=0.7 * inch)
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(period_label), styles["Normal"]),
        Spacer(1, 12),
    ]
    if narrative.strip():
        story.append(Paragraph("Narrative", styles["Heading2"]))
        story += [Paragraph(escape(p), styles["BodyText"]) for p in narrative.split("\n\n") if p.strip()]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    for table in tables:
        story += [
            Paragraph(escape(table.title), styles["Heading2"]),
            Paragraph(escape(table.definition), small),
        ]
        data = [[Paragraph(escape(str(h)), small) for h in table.headers]]
        data += [
            [Paragraph(escape("–" if v is None else str(v)), small) for v in row] for row in table.rows[:200]
        ]
        grid = Table(data, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe1e2")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [grid, Spacer(1, 12)]
    doc.build(story)
    return out.getvalue()


def to_xlsx(title: str, period_label: str, narrative: str, tables: list[ReportTable]) -> bytes:
    return exports.to_xlsx(tables, preface=[[title], [period_label], [], ["Narrative"], [narrative]])
