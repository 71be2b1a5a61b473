"""Files: checked by content, stored privately, downloaded safely by those who may see the request."""

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from tacenter.errors import DomainError, NotFound
from tacenter.files.models import Attachment
from tacenter.files.services import Upload, attach_files, attachment_for_download, upload_root
from tests.factories import PDF_BYTES, PNG_BYTES, RequesterFactory, request_in_progress


def test_a_pdf_is_stored_privately_under_a_generated_name(db_session):
    ta_request, requester, *_ = request_in_progress()
    (row,) = attach_files(ta_request.reference, [Upload("Billing plan.pdf", PDF_BYTES)], actor=requester)
    assert row.content_type == "application/pdf" and row.filename == "Billing plan.pdf"
    path = upload_root() / row.stored_name
    assert "Billing" not in row.stored_name and path.read_bytes() == PDF_BYTES
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o137 == 0  # at most 0640
    folder = path.parent
    while folder != upload_root().parent:
        assert stat.S_IMODE(os.stat(folder).st_mode) & 0o027 == 0  # at most 0750
        folder = folder.parent


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("page.html", b"<!doctype html><html><script>alert(1)</script></html>", "not a type"),
        ("notes.txt", b"<html><body onload=alert(1)>hi</body></html>", "not a type"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not a type"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "not a type"),
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 200, "not a type"),  # an executable renamed
        ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "not a type"),
        ("photo.pdf", PNG_BYTES, "does not contain what its name says"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_forbidden_or_disguised_files_are_refused(db_session, name, data, message):
    ta_request, requester, *_ = request_in_progress()
    with pytest.raises(DomainError, match=message):
        attach_files(ta_request.reference, [Upload(name, data)], actor=requester)
    assert db_session.scalar(select(Attachment)) is None


def test_plain_text_and_images_are_accepted(db_session):
    ta_request, requester, *_ = request_in_progress()
    rows = attach_files(
        ta_request.reference,
        [Upload("counties.csv", b"county,children\nBernalillo,120\n"), Upload("chart.png", PNG_BYTES)],
        actor=requester,
    )
    assert [r.content_type for r in rows] == ["text/csv", "image/png"]


def test_a_file_over_the_limit_is_refused(app, db_session):
    ta_request, requester, *_ = request_in_progress()
    limit = app.config["MAX_FILE_BYTES"]
    app.config["MAX_FILE_BYTES"] = 100
    try:
        with pytest.raises(DomainError, match="larger than"):
            attach_files(ta_request.reference, [Upload("big.pdf", PDF_BYTES + b"x" * 200)], actor=requester)
    finally:
        app.config["MAX_FILE_BYTES"] = limit


def test_only_people_who_may_see_the_request_download_its_files(db_session):
    ta_request, requester, staff, _ = request_in_progress()
    (row,) = attach_files(ta_request.reference, [Upload("plan.pdf", PDF_BYTES)], actor=requester)
    assert attachment_for_download(ta_request.reference, row.id, actor=staff)[0].id == row.id
    with pytest.raises(NotFound):
        attachment_for_download(ta_request.reference, row.id, actor=RequesterFactory())
    other, *_ = request_in_progress(requester=requester)
    with pytest.raises(NotFound):  # the file's id through another request's address
        attachment_for_download(other.reference, row.id, actor=requester)


def test_download_is_an_attachment_with_safe_headers(client, auth):
    ta_request, requester, staff, _ = request_in_progress()
    (row,) = attach_files(ta_request.reference, [Upload("Plan d’action été.pdf", PDF_BYTES)], actor=requester)
    auth.login(staff)
    response = client.get(f"/requests/{ta_request.reference}/files/{row.id}")
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''Plan%20d%E2%80%99action%20%C3%A9t%C3%A9.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "no-store"
    auth.logout()
    auth.login(RequesterFactory())
    assert client.get(f"/requests/{ta_request.reference}/files/{row.id}").status_code == 404


def test_a_rejected_file_on_a_reply_keeps_the_reply_text(client, auth, db_session):
    ta_request, requester, *_ = request_in_progress()
    auth.login(requester)
    from tests.conftest import csrf_token

    token = csrf_token(client, f"/requests/{ta_request.reference}")
    response = client.post(
        f"/requests/{ta_request.reference}/replies",
        data={
            "csrf_token": token,
            "reply-body": "Here is our logic model draft",
            "reply-files": [(__import__("io").BytesIO(b"<svg onload=alert(1)></svg>"), "model.svg")],
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "model.svg is not a type of file we accept" in html and "Here is our logic model draft" in html
    assert db_session.scalar(select(Attachment)) is None


def test_an_oversized_body_gets_the_413_page(app, client, auth):
    ta_request, requester, *_ = request_in_progress()
    auth.login(requester)
    from io import BytesIO

    from tests.conftest import csrf_token

    token = csrf_token(client, f"/requests/{ta_request.reference}")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post(
            f"/requests/{ta_request.reference}/files",
            data={"csrf_token": token, "attach-files": [(BytesIO(PDF_BYTES + b"x" * 5000), "big.pdf")]},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "That upload is too large" in response.get_data(as_text=True)


def test_uploads_live_outside_the_web_root(app):
    static = Path(app.static_folder).resolve()
    assert static not in upload_root().resolve().parents
