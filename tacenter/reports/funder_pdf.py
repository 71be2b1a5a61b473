"""The funder report as a PDF: the center's name, an executive summary with the headline
figures and charts (ReportLab's own graphics), every table with its own caption, and a footer
with "Page n of N" on every page."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tacenter.reports.tables import Table as ReportTable

BLUE, GREY = colors.HexColor("#005ea2"), colors.HexColor("#dfe1e2")
MARGIN = 0.7 * inch
CHART_WIDTH = letter[0] - 2 * MARGIN


@dataclass
class Summary:
    """What the executive summary shows: headline figures and the dashboard's chart series."""

    figures: list[dict] = field(default_factory=list)
    charts: dict[str, list[dict]] = field(default_factory=dict)


def _fit(text: str, width: float, font: str = "Helvetica", size: int = 8) -> str:
    """The text, shortened with an ellipsis to fit `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _footer_canvas(footer: str):
    """A canvas that holds its pages back until it knows how many there are."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.HexColor("#454545"))
                self.line(MARGIN, 0.6 * inch, letter[0] - MARGIN, 0.6 * inch)
                self.drawString(MARGIN, 0.45 * inch, _fit(footer, letter[0] - 2 * MARGIN - 70))
                self.drawRightString(letter[0] - MARGIN, 0.45 * inch, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _figure_value(figure: dict) -> str:
    value = figure["current"]
    if value is None:
        return "–"
    return f"{value}%" if figure["unit"] == "%" else f"{value} {figure['unit']}".strip()


def _months_chart(series: list[dict]) -> Drawing:
    drawing = Drawing(CHART_WIDTH, 170)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, CHART_WIDTH - 60, 120
    chart.data = [[d["value"] for d in series] or [0]]
    chart.categoryAxis.categoryNames = [d["label"] for d in series] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = BLUE, 2
    drawing.add(chart)
    drawing.add(String(0, 160, "Requests received by month", fontName="Helvetica-Bold", fontSize=9))
    return drawing


def _bar_chart(title: str, series: list[dict]) -> Drawing:
    rows = series[:12] or [{"label": "None", "value": 0}]
    height = 30 + 16 * len(rows)
    drawing = Drawing(CHART_WIDTH, height + 20)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 200, 10, CHART_WIDTH - 240, height
    chart.data = [[d["value"] for d in reversed(rows)]]
    chart.categoryAxis.categoryNames = [d["label"][:45] for d in reversed(rows)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor, chart.bars[0].strokeColor = BLUE, None
    drawing.add(chart)
    drawing.add(String(0, height + 14, title, fontName="Helvetica-Bold", fontSize=9))
    return drawing


def _summary(summary: Summary, styles) -> list:
    story = [Paragraph("Executive summary", styles["Heading1"])]
    cells = [
        [Paragraph(f"<b>{escape(f['label'])}</b><br/>{escape(_figure_value(f))}", styles["BodyText"])]
        for f in summary.figures
    ]
    grid = [sum(cells[i : i + 3], []) for i in range(0, len(cells), 3)]
    if grid:
        grid[-1] += [""] * (3 - len(grid[-1]))
        table = Table(grid, colWidths=[CHART_WIDTH / 3] * 3)
        table.setStyle(
            TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GREY), ("INNERGRID", (0, 0), (-1, -1), 0.5, GREY)])
        )
        story += [table, Spacer(1, 12)]
    charts = summary.charts
    if "over_time" in charts:
        story += [_months_chart(charts["over_time"]), Spacer(1, 10)]
    for key, title in (("by_topic", "Requests by topic"), ("hours_by_mode", "TA hours by mode")):
        if key in charts:
            story += [_bar_chart(title, charts[key]), Spacer(1, 10)]
    return story


def _table(table: ReportTable, styles, small) -> list:
    data = [[Paragraph(escape(str(h)), small) for h in table.headers]]
    data += [
        [Paragraph(escape("–" if v is None else str(v)), small) for v in row] for row in table.rows[:200]
    ]
    grid = Table(data, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), GREY),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    # The heading and caption stay on the page where their own table starts.
    return [
        KeepTogether(
            [
                Paragraph(escape(table.title), styles["Heading2"]),
                Paragraph(escape(table.definition), small),
                Spacer(1, 4),
                grid,
            ]
        ),
        Spacer(1, 12),
    ]


def to_pdf(
    title: str,
    period_label: str,
    narrative: str,
    tables: list[ReportTable],
    *,
    center_name: str,
    summary: Summary | None = None,
) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        title=f"{center_name}: {title}",
        author=center_name,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        bottomMargin=0.9 * inch,
    )
    story = [
        Paragraph(escape(center_name), styles["Heading3"]),
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(period_label), styles["Normal"]),
        Spacer(1, 12),
    ]
    story += _summary(summary or Summary(), styles)
    if narrative.strip():
        story.append(Paragraph("Narrative", styles["Heading1"]))
        story += [Paragraph(escape(p), styles["BodyText"]) for p in narrative.split("\n\n") if p.strip()]
    story.append(Paragraph("Tables", styles["Heading1"]))
    for table in tables:
        story += _table(table, styles, small)
    doc.build(story, canvasmaker=_footer_canvas(f"{center_name} · Funder report, {period_label}"))
    return out.getvalue()
