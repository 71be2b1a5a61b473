"""A file as a follow-up's evidence: checked like a request's files, stored privately, downloaded
as an attachment by those who may see the request (after an event: staff and the contact's own
organization), never by another organization or the anonymous public."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tacenter.files.models import Attachment
from tacenter.files.services import Upload, upload_root
from tacenter.group_ta import services as group_ta
from tacenter.outcomes.export import samhsa_table
from tacenter.outcomes.follow_ups import run_follow_ups
from tacenter.outcomes.models import FollowUp
from tacenter.outcomes.services import answer_follow_up
from tacenter.reports.filters import ReportFilters
from tests.factories import PDF_BYTES, PNG_BYTES, OrganizationFactory, RequesterFactory, UserFactory
from tests.test_event_follow_ups import attended  # noqa: F401  (the fixture)
from tests.test_outcomes import at, closed_request


def _post_with_file(auth, url: str, name: str, data: bytes, **fields):
    return auth.post(
        url,
        {**fields, "evidence-file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_requester_attaches_a_file_to_the_follow_up_and_staff_download_it(client, auth, db_session):
    ta_request, requester, staff, _lead = closed_request()
    run_follow_ups(now=at("2026-04-01 16:00"))
    url = f"/requests/{ta_request.reference}/follow-up/30"
    auth.login(requester)
    assert 'enctype="multipart/form-data"' in client.get(url).get_data(as_text=True)
    answered = _post_with_file(auth, url, "Adopted policy.pdf", PDF_BYTES, **{"item-what_changed": "policy"})
    assert answered.status_code == 302
    follow_up = db_session.scalar(select(FollowUp).where(FollowUp.ta_request_id == ta_request.id))
    row = db_session.scalar(select(Attachment).where(Attachment.follow_up_id == follow_up.id))
    assert follow_up.answered_at is not None
    assert (row.filename, row.ta_request_id, row.content_type) == (
        "Adopted policy.pdf",
        ta_request.id,
        "application/pdf",
    )
    assert (upload_root() / row.stored_name).read_bytes() == PDF_BYTES
    download = f"/follow-ups/{follow_up.id}/evidence/{row.id}"
    auth.logout()

    assert client.get(download).status_code in (302, 401)  # the anonymous public: sign in first
    auth.login(RequesterFactory())  # another organization's requester
    assert client.get(download).status_code == 404
    auth.logout()

    auth.login(staff)
    got = client.get(download)
    assert got.status_code == 200 and got.data == PDF_BYTES
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # On the request too: staff find it in the timeline, like any file of the request.
    assert "Adopted policy.pdf" in client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)


def test_a_bad_file_is_refused_with_a_message_on_the_form_and_nothing_is_saved(client, auth, db_session):
    ta_request, requester, *_ = closed_request()
    run_follow_ups(now=at("2026-04-01 16:00"))
    url = f"/requests/{ta_request.reference}/follow-up/30"
    auth.login(requester)
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    refused = _post_with_file(auth, url, "logo.svg", svg, **{"item-what_changed": "policy"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "logo.svg is not a type of file we accept" in page and 'href="#evidence-file"' in page
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert db_session.scalar(select(FollowUp.answered_at)) is None
    renamed = _post_with_file(auth, url, "photo.pdf", PNG_BYTES, **{"item-what_changed": "policy"})
    assert renamed.status_code == 400 and "does not contain what its name says" in renamed.get_data(
        as_text=True
    )


def test_an_event_follow_up_takes_a_file_for_staff_and_the_contacts_organization(
    client,
    auth,
    db_session,
    attended,  # noqa: F811
):
    event, rosa, ana = attended
    neighbour = OrganizationFactory()  # attended the same event, another organization
    group_ta.record_attendance(event.id, neighbour.id, 3, "", version=None, actor=UserFactory(role="lead"))
    stranger = RequesterFactory(organization=neighbour)
    run_follow_ups(now=at("2026-04-09 20:00"))
    auth.login(ana)
    url = f"/events/{event.id}/follow-up/30"
    answered = _post_with_file(auth, url, "Roster.png", PNG_BYTES, **{"item-what_changed": "workforce"})
    assert answered.status_code == 302
    row = db_session.scalar(select(Attachment))
    assert row.ta_request_id is None and row.content_type == "image/png"
    download = f"/follow-ups/{row.follow_up_id}/evidence/{row.id}"
    auth.logout()

    auth.login(stranger)
    assert client.get(download).status_code == 404
    auth.logout()
    auth.login(rosa)  # the contact's own organization
    assert client.get(download).data == PNG_BYTES
    auth.logout()
    assert client.get(download).status_code in (302, 401)

    auth.login(UserFactory(role="staff"))
    page = client.get(f"/events/{event.id}/follow-ups").get_data(as_text=True)
    assert "Roster.png" in page and download in page
    got = client.get(download)
    assert got.status_code == 200 and got.headers["Content-Disposition"].startswith("attachment;")


def test_a_file_alone_counts_as_evidence_in_the_samhsa_follow_up_file(db_session):
    ta_request, requester, *_ = closed_request()
    run_follow_ups(now=at("2026-04-01 16:00"))
    form = MultiDict({"item-what_changed": "practice"})
    submission, errors = answer_follow_up(
        ta_request.reference,
        30,
        form,
        [Upload("plan.pdf", PDF_BYTES)],
        actor=requester,
        now=at("2026-04-02 16:00"),
    )
    assert submission is not None, errors
    filters = ReportFilters.from_args(
        {"period": "custom", "start": "2026-04-01", "end": "2026-04-30"}, today=at("2026-05-01 00:00").date()
    )
    table = samhsa_table("follow_up", filters, tz="America/New_York")
    assert [row[table.headers.index("EvidenceGiven")] for row in table.rows] == [1]
