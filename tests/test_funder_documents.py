"""The funder report's files look finished: the center's name, an executive summary, page
numbers, captions that belong to their tables, and sheet names Excel accepts. And the quarterly
report appears once its quarter has ended, not before."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tacenter.center.services import save_center_settings
from tacenter.demo.outcomes import _insert
from tacenter.intake.models import TARequest
from tacenter.reports import funder
from tacenter.reports.exports import sheet_name
from tacenter.reports.models import FunderReport
from tacenter.surveys.defaults import POST_REQUEST
from tests import reports_data
from tests.factories import UserFactory
from tests.outcomes_data import versions
from tests.reports_data import at

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CENTER = "Center of Excellence for Infant and Early Childhood Mental Health Consultation"


def _made_report(db_session):
    reports_data.build(7, count=80)
    admin = UserFactory(role="admin")
    save_center_settings(CENTER, actor=admin)
    report = funder.request_funder_report(
        datetime(2025, 10, 1).date(), datetime(2026, 3, 31).date(), actor=admin
    )
    assert funder.generate_funder_report(report.id, now=datetime(2026, 6, 1, tzinfo=UTC)) == "done"
    db_session.expire_all()
    return db_session.get(FunderReport, report.id)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_names_the_center_numbers_its_pages_and_opens_with_a_summary(db_session):
    pdf = _made_report(db_session).pdf
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "funder-report.pdf").write_bytes(pdf)  # for a person to look at
    pages = _pages(pdf)
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
        assert CENTER[:60] in text  # the footer, on every page
    assert "Executive summary" in pages[0] and "Received" in pages[0]
    assert "Requests received by month" in " ".join(pages[:2])  # the charts' titles


def test_each_table_in_the_pdf_carries_its_own_caption(db_session):
    text = " ".join(_pages(_made_report(db_session).pdf))
    for title in ("Requests received by state or territory", "Requests received by grant program"):
        caption = text[text.index(title) + len(title) :][:120]
        assert caption.startswith(" Requests submitted in the period."), caption
        assert "several topics" not in caption
    topic = text.index("Requests received by topic")
    assert "several topics counts under each" in text[topic : topic + 200]


def test_every_sheet_name_fits_excel_is_distinct_and_names_its_table(db_session):
    workbook = load_workbook(io.BytesIO(_made_report(db_session).xlsx))
    names = workbook.sheetnames
    assert all(len(n) <= 31 for n in names), names
    assert len({n.lower() for n in names}) == len(names)
    assert workbook["Summary"]["A1"].value == CENTER
    assert workbook["Requests by state or territory"]["A1"].value == "State or territory"
    assert workbook["TA hours by grant program"]["A1"].value == "Grant program"
    assert not any(re.search(r"_\d+$", n) for n in names)  # no made-up suffixes


def test_the_funder_report_carries_the_outcome_figures(db_session):
    reports_data.build(7, count=80)
    request = db_session.scalars(
        select(TARequest).where(TARequest.tier == "intensive").order_by(TARequest.id)
    ).first()
    rated = {"quality": 5, "relevance": 4, "usefulness": 3, "satisfaction": 2}
    _insert(
        versions()[(POST_REQUEST, 2)], "post_request", [(request.id, None, at("2026-01-15 12:00"), rated)]
    )
    admin = UserFactory(role="admin")
    report = funder.request_funder_report(
        datetime(2025, 10, 1).date(), datetime(2026, 3, 31).date(), actor=admin
    )
    assert funder.generate_funder_report(report.id, now=datetime(2026, 6, 1, tzinfo=UTC)) == "done"
    db_session.expire_all()
    report = db_session.get(FunderReport, report.id)
    workbook = load_workbook(io.BytesIO(report.xlsx))
    items = list(workbook["Survey items by tier"].iter_rows(values_only=True))
    assert items[0][:4] == ("Tier", "Item", "Answers", "Mean (1-5)")
    intensive = {row[1]: row for row in items[1:] if row[0] == "Intensive"}
    for item in ("Quality", "Relevance", "Usefulness", "Satisfaction"):
        assert intensive[item][2] >= 1 and 1 <= float(intensive[item][3]) <= 5, (item, items)
    rates = [row[0] for row in workbook["Response rates"].iter_rows(min_row=2, values_only=True)]
    assert any("post-request" in str(r).lower() for r in rates), rates
    assert any("30" in str(r) for r in rates) and any("90" in str(r) for r in rates), rates
    assert workbook["Event responses by type, tier"]["A1"].value == "Event type"
    assert workbook["Event items by type, tier"]["A1"].value == "Event type"
    changes = {row[0]: row[1] for row in workbook["Follow-up outcomes by change"].iter_rows(values_only=True)}
    assert changes["All follow-up answers"] > 0 and changes["Nothing yet"] is not None, changes
    objectives = list(workbook["Plan objectives by tier"].iter_rows(values_only=True))
    assert objectives[0][:4] == ("Tier", "Objectives set", "Not started", "In progress")
    assert sum(row[1] for row in objectives[1:] if isinstance(row[1], int)) > 0
    assert workbook["Plan objectives by program"]["A1"].value == "Grant program"
    text = " ".join(_pages(report.pdf))
    for title in (
        "Survey items by tier",
        "Response rates",
        "Post-event response rates by event type and tier",
        "Follow-up outcomes by change type",
        "Plan objectives by tier",
    ):
        assert title in text, title


def test_sheet_names_shorten_by_words_and_stay_distinct():
    used: set[str] = set()
    long = "Satisfaction and outcomes by organization type and more words"
    first = sheet_name(long, used)
    used.add(first)
    second = sheet_name(long, used)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert first.startswith("Satisfaction by org type") and second.endswith("(2)")


def test_the_quarterly_report_is_made_after_its_quarter_ends_and_not_before(db_session, client, auth):
    director = UserFactory(role="leadership")
    # 11:30 pm on Dec 31 in New York: the first quarter of FY2026 has not ended yet.
    funder.run_scheduled(now=datetime(2026, 1, 1, 4, 30, tzinfo=UTC))
    keys = set(db_session.scalars(select(FunderReport.schedule_key)))
    assert "fy2026q1" not in keys
    # Half an hour later it has: the beat's next run makes and builds its report.
    funder.run_scheduled(now=datetime(2026, 1, 1, 5, 30, tzinfo=UTC))
    report = db_session.scalar(select(FunderReport).where(FunderReport.schedule_key == "fy2026q1"))
    assert report is not None and report.status == "done" and report.pdf.startswith(b"%PDF")
    auth.login(director)
    listing = client.get("/reports/funder").get_data(as_text=True)
    assert "FY2026 Q1 (Oct 1, 2025 to Dec 31, 2025)" in listing


def test_admins_name_the_center_and_others_cannot(client, auth):
    auth.login(UserFactory(role="lead"))
    assert client.get("/admin/center").status_code == 403
    auth.logout()
    auth.login(UserFactory(role="admin"))
    assert auth.post("/admin/center", {"name": " "}).status_code == 400
    response = auth.post("/admin/center", {"name": CENTER})
    assert response.status_code == 302
    assert CENTER in client.get("/admin/center").get_data(as_text=True)
