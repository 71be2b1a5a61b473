"""Importing records: the preview lists every row's problems, a commit is all or nothing,
imported history keeps its dates, and bad files get a clear message."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.records.columns import KINDS
from tacenter.records.models import ImportJob
from tacenter.records.services import import_file
from tacenter.reports.filters import ReportFilters
from tacenter.reports.periods import fiscal_year
from tacenter.workflow.models import StageChange
from tests.conftest import csrf_token
from tests.factories import OrganizationFactory, RequesterFactory, TopicFactory, UserFactory

HEADER = ",".join(KINDS["requests"].names)


def _request_line(**values) -> str:
    row = {
        "external_id": "R-1", "title": "Old request", "organization": "ORG-1",
        "requester_email": "rosa@pena.example", "state": "NM", "topics": "Home visiting",
        "stage": "closed", "assignee_email": "sam@center.example", "submitted_at": "2024-03-04",
        "assigned_at": "2024-03-06", "delivered_at": "2024-04-01", "finished_at": "2024-04-10",
        "goal_met": "yes",
    }  # fmt: skip
    row.update(values)
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([row.get(name, "") for name in KINDS["requests"].names])
    return out.getvalue()


@pytest.fixture
def center():
    org = OrganizationFactory(external_id="ORG-1", name="Peña County Health")
    RequesterFactory(email="rosa@pena.example", organization=org)
    UserFactory(role="staff", email="sam@center.example")
    TopicFactory(name="Home visiting")
    return org


def _write(tmp_path, text: str, name="requests.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_preview_lists_each_rows_problems_by_row_and_column_and_writes_nothing(center, tmp_path):
    lines = [
        HEADER,
        _request_line(),
        _request_line(external_id="R-2", topics="Astrology"),
        _request_line(external_id="R-3", submitted_at="March the 4th"),
        _request_line(external_id="R-4", state="ZZ"),
        _request_line(external_id="R-5", assignee_email="nobody@center.example"),
        _request_line(external_id="R-1"),
        _request_line(external_id="R-7", stage="on_hold"),
        "",
        ",,,,",  # empty rows are skipped, not errors
    ]
    report = import_file("requests", _write(tmp_path, "\n".join(lines)), commit=True)
    problems = {(row, column): message for row, column, message in report.errors}
    assert ("Astrology" in problems[(3, "topics")]) and "unknown topic" in problems[(3, "topics")]
    assert "not a date" in problems[(4, "submitted_at")]
    assert "not a state" in problems[(5, "state")]
    assert "not a TA staff member" in problems[(6, "assignee_email")]
    assert "appears twice" in problems[(7, "external_id")]
    assert "not a stage of the workflow" in problems[(8, "stage")]
    assert report.rows == 7
    assert db.session.scalar(select(func.count(TARequest.id))) == 0  # all or nothing


def test_an_imported_closed_request_keeps_its_dates_counts_in_its_fiscal_year_and_timeliness(
    center, tmp_path
):
    report = import_file("requests", _write(tmp_path, HEADER + "\n" + _request_line()), commit=True)
    assert report.counts["new"] == 1 and not report.errors
    ta_request = db.session.scalar(select(TARequest))
    assert ta_request.stage == "closed" and ta_request.reference.startswith("TA-2024-")
    assert ta_request.finished_at.date() == date(2024, 4, 10)
    # Monday 4 March to Wednesday 6 March: two business days to assignment (and first response).
    assert (ta_request.days_to_assignment, ta_request.days_to_first_response) == (2, 2)
    assert ta_request.days_to_delivery == 20
    changes = db.session.scalars(select(StageChange).order_by(StageChange.id)).all()
    assert [c.to_stage for c in changes] == ["submitted", "closed"]
    assert changes[-1].created_at == ta_request.finished_at  # history at its own date, not today
    from tacenter.reports.queries import dashboard_data

    filters = ReportFilters(period=fiscal_year(2024))
    figures, _ = dashboard_data(filters, tz="America/New_York", now=datetime(2026, 1, 1, tzinfo=UTC))
    closed = next(f for f in figures if f["key"] == "closed")
    assert closed["current"] == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_utf8_with_or_without_bom_or_windows_1252_reads_the_same(center, tmp_path, encoding):
    text = HEADER + "\r\n" + _request_line(title="Niños y familias, Peña")
    report = import_file("requests", _write(tmp_path, text, encoding=encoding), commit=True)
    assert not report.errors, report.errors
    assert db.session.scalar(select(TARequest.title)) == "Niños y familias, Peña"


def _workbook(tmp_path, sheets: dict[str, list[list]]) -> str:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    return str(path)


def test_excel_formula_cells_are_refused_by_row_and_column(center, tmp_path):
    header = list(KINDS["requests"].names)
    row = _request_line(title="=1+1").split(",")
    report = import_file("requests", _workbook(tmp_path, {"Sheet1": [header, row]}), commit=True)
    assert report.errors == [(2, "title", "is a formula; replace it with its value")]
    assert db.session.scalar(select(func.count(TARequest.id))) == 0


def test_excel_with_several_sheets_needs_the_sheet_named(center, tmp_path):
    header = list(KINDS["requests"].names)
    path = _workbook(
        tmp_path, {"Old": [header, next(csv.reader([_request_line()]))], "Notes": [["anything"]]}
    )
    with pytest.raises(Exception, match="several sheets with data"):
        import_file("requests", path, commit=True)
    report = import_file("requests", path, commit=True, sheet="Old")
    assert report.counts["new"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "not an Excel workbook"),
        (b"", "empty"),
        (b"name,colour\nx,y\n", "must name the columns"),
    ],
)
def test_files_that_are_not_spreadsheets_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(Exception, match=message):
        import_file("requests", str(path), commit=True)


def _admin_upload(auth, content: bytes, kind="requests", name="requests.csv"):
    data = {"kind": kind, "sheet": "", "upload": (io.BytesIO(content), name)}
    return auth.post("/records/imports", data, content_type="multipart/form-data")


def test_an_admin_previews_then_commits_an_import_on_the_web(client, auth, center, app):
    auth.login(UserFactory(role="admin"))
    bad = (HEADER + "\n" + _request_line(topics="Astrology")).encode()
    response = _admin_upload(auth, bad)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Astrology" in page and "Commit" not in page
    job = db.session.scalar(select(ImportJob))
    assert os.stat(os.path.join(app.config["IMPORT_DIR"], job.stored_name)).st_mode & 0o777 == 0o640
    response = _admin_upload(auth, (HEADER + "\n" + _request_line()).encode())
    job_page = response.location
    assert "Commit: write these rows" in client.get(job_page).get_data(as_text=True)
    assert db.session.scalar(select(func.count(TARequest.id))) == 0  # nothing until the commit
    job_id = int(job_page.rstrip("/").rsplit("/", 1)[1])
    assert auth.post(f"/records/imports/{job_id}/commit", {}, form_page=job_page).status_code == 302
    assert "Imported: 1 new" in client.get(job_page).get_data(as_text=True)
    assert db.session.scalar(select(func.count(TARequest.id))) == 1
    done = db.session.get(ImportJob, job_id)
    assert not os.path.exists(os.path.join(app.config["IMPORT_DIR"], done.stored_name))  # not kept after


def test_a_one_gigabyte_upload_is_refused_before_it_is_read(client, auth, app):
    auth.login(UserFactory(role="admin"))

    token = csrf_token(client, "/records/imports")
    # A body announcing 1 GB is refused on its Content-Length, before any of it is read.
    response = client.post(
        "/records/imports",
        input_stream=io.BytesIO(b"--xyz\r\n" + b"a" * 4096),
        environ_overrides={"CONTENT_LENGTH": str(1024**3)},
        content_type="multipart/form-data; boundary=xyz",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_only_admins_import_and_export(client, auth):
    auth.login(UserFactory(role="lead"))
    assert client.get("/records/imports").status_code == 403
    assert client.get("/records/export.zip").status_code == 403


def test_the_import_form_takes_files_bigger_than_the_attachment_limit(client, auth, center, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)  # attachments: 2 KB here
    auth.login(UserFactory(role="admin"))
    lines = [HEADER] + [_request_line(external_id=f"R-{n}", description="x" * 100) for n in range(40)]
    response = _admin_upload(auth, "\n".join(lines).encode())
    assert response.status_code == 302
    assert db.session.scalar(select(ImportJob.new_count)) == 40


def test_importing_and_exporting_records_are_each_audited_once(client, auth, center):
    from tacenter.audit.models import AuditEvent

    admin = UserFactory(role="admin")
    auth.login(admin)
    job_page = _admin_upload(auth, (HEADER + "\n" + _request_line()).encode()).location
    job_id = int(job_page.rstrip("/").rsplit("/", 1)[1])
    auth.post(f"/records/imports/{job_id}/commit", {}, form_page=job_page)
    assert client.get("/records/export.zip").status_code == 200
    db.session.expire_all()
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.action.in_(["records_imported", "records_exported"])
        )
    ).all()
    assert sorted(tuple(e) for e in events) == [
        ("records_exported", admin.id),
        ("records_imported", admin.id),
    ]


def test_each_preview_lists_its_own_files_problems_every_time_it_is_opened(client, auth, center):
    """A checked preview's problems are kept per job (records/views.py): never another job's."""
    auth.login(UserFactory(role="admin"))
    pages = {}
    for topic in ("Astrology", "Numerology"):
        response = _admin_upload(auth, (HEADER + "\n" + _request_line(topics=topic)).encode())
        pages[topic] = response.location
    for _ in range(2):
        for topic, other in (("Astrology", "Numerology"), ("Numerology", "Astrology")):
            page = client.get(pages[topic]).get_data(as_text=True)
            assert topic in page and other not in page and "Problems by row" in page
