"""Report pages: who may see them, downloads, formula-safe CSV, bad input, funder report flow."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook

from tacenter.extensions import db
from tacenter.reports.exports import safe_cell, to_csv
from tacenter.reports.models import FunderReport
from tacenter.reports.tables import Table
from tests import reports_data
from tests.factories import RequesterFactory, UserFactory


@pytest.mark.parametrize("role", ["requester", "staff"])
def test_requesters_and_staff_cannot_open_the_dashboard(auth, client, role):
    user = RequesterFactory() if role == "requester" else UserFactory(role="staff")
    auth.login(user)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/volume?format=csv").status_code == 403


def test_csv_cells_that_look_like_formulas_are_escaped():
    table = Table("t", ["=A", "B"], [["=cmd|' /C calc'!A0", "+1"], ["-2", "@SUM(A1)"], ["\tx", 3]])
    text = to_csv(table)
    assert "'=cmd" in text and "'+1" in text and "'-2" in text and "'@SUM" in text and "'\tx" in text
    assert safe_cell(-2) == -2


def test_leadership_sees_the_dashboard_and_downloads_every_report(auth, client, db_session):
    made = reports_data.build(3, count=40)
    auth.login(UserFactory(role="leadership"))
    page = client.get("/reports/?period=fy2026")
    html = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and "Median days to first response" in html
        and 'data-chart="by_state"' in html
    )
    assert "/queue?" in html and "submitted_from=2025-10-01" in html
    data = client.get("/reports/dashboard.json?period=fy2026").get_json()
    assert {"over_time", "by_topic", "by_tier", "hours_by_mode", "by_state"} <= set(data["charts"])
    for kind in ("volume", "timeliness", "hours", "caseload", "satisfaction", "declined"):
        assert client.get(f"/reports/{kind}?period=fy2026").status_code == 200
        csv_response = client.get(f"/reports/{kind}?period=fy2026&format=csv")
        assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
        xlsx = client.get(f"/reports/{kind}?period=fy2026&format=xlsx")
        assert load_workbook(io.BytesIO(xlsx.data)).sheetnames
    declined = client.get("/reports/declined?period=fy2025&format=csv").get_data(as_text=True)
    assert "=cmd" not in declined.replace("'=cmd", "")
    cross = client.get("/reports/volume?period=fy2026&rows=topic&columns=state").get_data(as_text=True)
    assert "Requests received: topic by state or territory" in cross
    assert made


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-13-01&end=x",
        "period=fy99999",
        "tier=<script>",
        "topic=abc&staff=-1",
        "period=custom&start=2026-05-01&end=2026-01-01",
        "rows=nope&columns=';drop",
    ],
)
def test_bad_filters_never_break_the_pages(auth, client, query):
    auth.login(UserFactory(role="lead"))
    assert client.get(f"/reports/?{query}").status_code == 200
    assert client.get(f"/reports/volume?{query}").status_code == 200
    assert client.get(f"/queue?{query}&submitted_from=bad&finished_to=2026-02-30").status_code == 200


def test_queue_lists_the_requests_behind_a_dashboard_figure(auth, client, db_session):
    reports_data.build(4, count=30)
    auth.login(UserFactory(role="leadership"))
    args = "stage=all&submitted_from=2025-10-01&submitted_to=2026-09-30&tier=intensive"
    figures = client.get("/reports/dashboard.json?period=fy2026&tier=intensive").get_json()["figures"]
    received = next(f for f in figures if f["key"] == "received")["current"]
    page = client.get(f"/queue?{args}").get_data(as_text=True)
    assert f"{received} request" in page


def test_a_bad_funder_report_range_is_refused_on_the_form(auth, client):
    auth.login(UserFactory(role="leadership"))
    response = auth.post("/reports/funder", {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "on or after" in response.get_data(as_text=True)


@pytest.mark.timeout(120)
def test_worker_generates_the_funder_report_and_mails_leadership(auth, client, worker, smtp_sink, db_session):
    reports_data.build(5, count=30)
    director = UserFactory(role="leadership", email="director@example.org")
    auth.login(director)
    response = auth.post("/reports/funder", {"start": "2025-10-01", "end": "2026-03-31"})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert 'http-equiv="refresh"' in client.get(f"/reports/funder/{report_id}").get_data(as_text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        db.session.expire_all()
        report = db.session.get(FunderReport, report_id)
        if report.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert report.status == "done", (report.status, report.error, worker.log.read_text()[-2000:])
    assert client.get(f"/reports/funder/{report_id}/report.pdf").data.startswith(b"%PDF")
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/funder/{report_id}/report.xlsx").data))
    assert "TA activities by mode" in workbook.sheetnames
    assert smtp_sink.wait_for(lambda m: m["To"] == "director@example.org" and "Funder report" in m["Subject"])


def test_caseload_capacity_comes_from_the_routing_profile(db_session):
    from tacenter.reports.outcomes import staff_capacity
    from tacenter.reports.targets import DEFAULT_CAPACITY_OPEN_REQUESTS
    from tests.factories import UserFactory, staff_profile

    profiled, unprofiled = UserFactory(role="staff"), UserFactory(role="staff")
    staff_profile(profiled, capacity=3.5)
    capacities = staff_capacity()
    assert capacities[profiled.id] == 3.5
    assert capacities[unprofiled.id] == DEFAULT_CAPACITY_OPEN_REQUESTS
