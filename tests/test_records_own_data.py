"""A requester downloads their organization's requests, replies and files, and nothing else."""

from __future__ import annotations

import io
import zipfile

from tacenter.conversation.services import add_note, post_reply
from tacenter.files.services import Upload
from tests.factories import PDF_BYTES, RequesterFactory, UserFactory, request_in_progress, submit


def test_a_requester_downloads_their_organizations_requests_replies_and_files(client, auth):
    ta_request, requester, staff, _ = request_in_progress(title="Our dyadic billing question")
    colleague = RequesterFactory(organization=requester.organization)
    submit(colleague, title="A colleague's request")
    post_reply(ta_request.reference, "Here is the guide you asked for.", actor=staff,
               uploads=[Upload("guide.pdf", PDF_BYTES)])  # fmt: skip
    add_note(ta_request.reference, "Internal: check the budget first", actor=staff)
    submit(RequesterFactory(), title="Canary-Elsewhere request")
    auth.login(requester)
    assert "Download all our requests" in client.get("/requests").get_data(as_text=True)
    response = client.get("/records/mine.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        requests_csv = archive.read("requests.csv").decode("utf-8-sig")
        replies_csv = archive.read("replies.csv").decode("utf-8-sig")
        files = [n for n in names if n.startswith("files/")]
        assert len(files) == 1 and files[0].endswith("guide.pdf")
        assert archive.read(files[0]) == PDF_BYTES
    assert "Our dyadic billing question" in requests_csv and "A colleague's request" in requests_csv
    assert "Here is the guide" in replies_csv
    everything = requests_csv + replies_csv
    assert "Internal: check the budget" not in everything and "Canary-Elsewhere" not in everything


def test_staff_cannot_take_the_requesters_download(client, auth):
    auth.login(UserFactory(role="staff"))
    assert client.get("/records/mine.zip").status_code == 403
