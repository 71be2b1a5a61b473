"""A requester's own data: every request of their organization, its replies and its files.

Scoped by intake.permissions.visible_requests, like every list: what a requester can open
in the app, and nothing else. Internal notes stay out: they are staff-only everywhere.
"""

from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.conversation.models import Message, MessageKind
from tacenter.errors import NotAllowed
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.files.services import clean_filename, upload_root
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.records.export import cell
from tacenter.vocab import Role

REQUEST_COLUMNS = (
    "reference", "title", "description", "desired_outcome", "state", "tier", "urgency", "stage",
    "submitted_at", "finished_at", "outcome_summary", "closing_reason", "referred_to",
)  # fmt: skip


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_own_data(target, *, actor: User) -> int:
    """Write the zip for `actor`'s organization to `target`; returns how many requests it holds."""
    if actor.role_enum != Role.REQUESTER:
        raise NotAllowed("This download is for requesters' own data.")
    columns = [getattr(TARequest, c) for c in REQUEST_COLUMNS]
    query = visible_requests(actor).with_only_columns(TARequest.id, *columns).order_by(TARequest.submitted_at)
    requests = db.session.execute(query).all()
    ids = [r.id for r in requests]
    refs = {r.id: r.reference for r in requests}
    replies = db.session.execute(
        select(Message.ta_request_id, Message.created_at, User.name, Message.body)
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.ta_request_id.in_(ids), Message.kind == MessageKind.REPLY)
        .order_by(Message.ta_request_id, Message.created_at)
    )
    files = db.session.execute(
        select(Attachment.id, Attachment.ta_request_id, Attachment.stored_name, Attachment.filename).where(
            Attachment.ta_request_id.in_(ids)
        )
    ).all()
    root = upload_root().resolve()
    # Stored, not deflated: one organization's data is small, and its text stays checkable.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        request_rows = (r[1:] for r in requests)
        archive.writestr("requests.csv", _csv(REQUEST_COLUMNS, request_rows))
        reply_rows = ((refs[rid], when, name, body) for rid, when, name, body in replies)
        archive.writestr("replies.csv", _csv(("reference", "posted_at", "author", "text"), reply_rows))
        for f in files:
            path = (root / f.stored_name).resolve()
            if root in path.parents and path.is_file():  # a file lost on disk is left out, not a 500
                archive.write(path, f"files/{refs[f.ta_request_id]}/{f.id}-{clean_filename(f.filename)}")
    return len(requests)
