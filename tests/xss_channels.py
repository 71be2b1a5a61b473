"""Stored XSS payloads that arrive through the other doors (tests/test_xss_browser.py): the records
import, email-in and the JSON API. Each helper returns the pages that show what it stored."""

from __future__ import annotations

import base64
import csv
import io
from email.utils import make_msgid

from sqlalchemy import select

from tacenter.accounts.models import Organization, User
from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.mailin import tokens
from tacenter.mailin.models import InboundMessage
from tacenter.mailin.services import receive_mail
from tacenter.records.columns import KINDS
from tacenter.records.models import ImportRowError
from tacenter.records.services import commit_import, start_import
from tests.api_world import bearer, token_for
from tests.factories import PDF_BYTES

# File names keep no path ("/" starts a new one), so these payloads have none.
FILE_NAMES = [
    "<img class=xss-node src=x onerror=window.__xss=1>.pdf",
    '"><svg class=xss-node onload=window.__xss=1>.csv',
]


def _csv(kind: str, rows: list[dict]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=KINDS[kind].names)
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def seed_import(payloads: list[str], admin: User, event_id: int) -> dict[str, list[str]]:
    """Organizations, users, requests, activities and attendance imported from files with the
    payloads in their cells and file names, and one file whose problems quote a payload."""
    org_ext, request_ext = "XSS-ORG", "XSS-REQ"
    email = "xss.import@example.org"
    files = [
        (
            "organizations",
            [{"external_id": org_ext, "name": payloads[9][:200], "org_type": "other", "state": "NM"}],
        ),
        (
            "users",
            [{"email": email, "name": payloads[0][:120], "role": "requester", "organization": org_ext}],
        ),
        (
            "requests",
            [
                {
                    "external_id": request_ext,
                    "title": payloads[3][:200],
                    "description": payloads[6],
                    "desired_outcome": payloads[8],
                    "organization": org_ext,
                    "requester_email": email,
                    "state": "NM",
                    "stage": "submitted",
                    "submitted_at": "2025-10-01",
                }
            ],
        ),
        (
            "activities",
            [
                {
                    "external_id": "XSS-ACT",
                    "request": request_ext,
                    "activity_date": "2025-10-02",
                    "hours": "1",
                    "mode": "virtual_meeting",
                    "participant_roles": payloads[2][:300],
                    "note": payloads[1],
                }
            ],
        ),
        (
            "attendance",
            [
                {
                    "event": str(event_id),
                    "organization": org_ext,
                    "participants": "3",
                    "roles": payloads[4][:300],
                }
            ],
        ),
    ]
    jobs = []
    for n, (kind, rows) in enumerate(files):
        job = start_import(kind, FILE_NAMES[n % 2].replace(".pdf", ".csv"), _csv(kind, rows), actor=admin)
        assert not job.error_count, (kind, db.session.scalars(select(ImportRowError.message)).all())
        jobs.append(commit_import(job.id, actor=admin).id)
    # A file with problems: its page quotes the cells it could not take.
    bad = [
        {
            "external_id": "XSS-BAD",
            "name": payloads[5][:200],
            "org_type": payloads[1][:60],
            "state": payloads[7],
        }
    ]
    jobs.append(start_import("organizations", FILE_NAMES[1], _csv("organizations", bad), actor=admin).id)
    org = db.session.scalar(select(Organization).where(Organization.external_id == org_ext))
    user = db.session.scalar(select(User).where(User.email == email))
    reference = db.session.scalar(select(TARequest.reference).where(TARequest.organization_id == org.id))
    return {
        "admin": [
            "/records/imports",
            *(f"/records/imports/{j}" for j in jobs),
            f"/admin/organizations/{org.id}",
            f"/admin/users/{user.id}",
            f"/requests/{reference}",
            f"/events/{event_id}",
        ],
        "lead": [f"/requests/{reference}", f"/events/{event_id}"],
        "shown": [(f"/requests/{reference}", payloads[3]), ("/records/imports", FILE_NAMES[1])],
    }


def _mail(sender: str, to: str, subject: str, body: str, attachment: str | None = None) -> bytes:
    text = base64.encodebytes(body.encode("utf-8")).decode()
    parts = [f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}"]
    if attachment:
        data = base64.encodebytes(PDF_BYTES).decode()
        parts.append(
            f'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="{attachment}"'
            f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{data}"
        )
    subject_b64 = base64.b64encode(subject.encode("utf-8")).decode()
    head = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: =?utf-8?b?{subject_b64}?=\r\n"
        f"Message-ID: {make_msgid(domain='example.org')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XSS-B"\r\n\r\n'
    )
    return (head + "".join(f"--XSS-B\r\n{p}\r\n" for p in parts) + "--XSS-B--\r\n").encode("utf-8")


def seed_mail_in(payloads: list[str], requester: User, staff: User, reference: str) -> dict[str, list[str]]:
    """A requester's reply with a file, a staff note, a new request by email (a draft), mail to
    sort and mail from an unknown address, each carrying payloads in subject, text or file name."""
    ta_request = db.session.scalar(select(TARequest).where(TARequest.reference == reference))
    reply_to = tokens.reply_address(ta_request.id, requester.id)
    placed = [
        receive_mail(_mail(requester.email, reply_to, payloads[0], payloads[1], FILE_NAMES[0])),
        receive_mail(
            _mail(
                staff.email,
                tokens.reply_address(ta_request.id, staff.id, kind="note"),
                payloads[2],
                payloads[3],
            )
        ),
    ]
    assert [p.message_id is not None for p in placed] == [True, True], [p.reason for p in placed]
    draft = receive_mail(_mail(requester.email, "ta@center.example", payloads[4], payloads[5]))
    receive_mail(_mail("stranger@county.example", reply_to, payloads[6], payloads[7], FILE_NAMES[0]))
    receive_mail(_mail("new.person@county.example", "ta@center.example", payloads[8], payloads[9]))
    assert db.session.scalar(select(InboundMessage.status).where(InboundMessage.id == draft.id)) == "draft"
    return {
        "requester": [f"/requests/{reference}", f"/requests/new?from_mail={draft.id}"],
        "lead": [f"/requests/{reference}", "/mail-to-sort"],
        "staff": [f"/requests/{reference}"],
        "shown": [
            (f"/requests/{reference}", payloads[1]),
            (f"/requests/{reference}", FILE_NAMES[0]),
            ("/mail-to-sort", payloads[7]),
        ],
    }


def seed_api(
    client,
    payloads: list[str],
    requester: User,
    staff: User,
    lead: User,
    reference: str,
    org_id: int,
    topic_id: int,
) -> dict[str, list[str]]:
    """A request, a reply, a note, an activity, an event and its attendance written through the
    JSON API with tokens."""
    as_requester, as_staff, as_lead = (bearer(token_for(u)) for u in (requester, staff, lead))

    def post(path, body, headers):
        answer = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert answer.status_code == 201, (path, answer.get_data(as_text=True)[:500])
        return answer.get_json()

    created = post(
        "/requests",
        {
            "title": payloads[5][:200],
            "description": payloads[1] * 2,
            "desired_outcome": payloads[9],
            "topic_ids": [topic_id],
            "state": "NM",
            "submission_token": "xss-api-0001",
        },
        as_requester,
    )
    post(f"/requests/{reference}/replies", {"body": payloads[6]}, as_staff)
    post(f"/requests/{reference}/notes", {"body": payloads[7]}, as_staff)
    post(
        f"/requests/{reference}/activities",
        {
            "activity_date": "2025-10-03",
            "hours": "1.5",
            "mode": "virtual_meeting",
            "participant_roles": payloads[0][:300],
            "note": payloads[3],
        },
        as_lead,
    )
    event = post(
        "/events",
        {
            "title": payloads[2][:200],
            "event_type": "training",
            "tier": "universal",
            "event_date": "2025-10-14",
            "duration_hours": "1.5",
            "facilitator_ids": [staff.id],
            "description": payloads[4],
        },
        as_staff,
    )
    post(
        f"/events/{event['id']}/attendance",
        {
            "version": event["version"],
            "organization_id": org_id,
            "participant_count": 4,
            "roles": payloads[8][:300],
        },
        as_staff,
    )
    paths = [f"/requests/{created['reference']}", f"/requests/{reference}", f"/events/{event['id']}"]
    shown = [(paths[0], payloads[5]), (paths[2], payloads[2])]
    return {"requester": paths, "staff": paths, "lead": paths, "admin": paths, "shown": shown}
