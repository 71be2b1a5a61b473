"""A file as a follow-up answer's evidence, and who may download it.

The file goes through the requests' upload rules (files.services: size limit, type checked from
its content, stored outside the web root under a generated name) and is an `Attachment` with
`follow_up_id` set. A request's follow-up evidence is also on the request (ta_request_id), so it
shows in the request's timeline and downloads like any file of the request. An event's has no
request: staff (who see every event) and requesters of the contact's own organization may
download it; nobody else, and never the anonymous public.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.files.services import Upload, audited_download, check_uploads, store_files
from tacenter.group_ta.models import Event
from tacenter.group_ta.permissions import visible_events
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.outcomes.models import FollowUp
from tacenter.vocab import Role

FIELD = "evidence_file"  # the key of its message among the form's errors


def check_evidence(uploads: list[Upload]) -> tuple[list[tuple[Upload, str]], dict[str, str]]:
    """The checked file (at most one), or {FIELD: why it is refused}; nothing is written."""
    if len(uploads) > 1:
        return [], {FIELD: str(_l("Attach one file at most."))}
    try:
        return check_uploads(uploads), {}
    except DomainError as error:
        return [], {FIELD: str(error.message)}


def store_evidence(follow_up: FollowUp, checked: list[tuple[Upload, str]], *, actor: User, now: datetime):
    """Write the checked file and add its row to the caller's transaction."""
    owner = {"ta_request_id": follow_up.ta_request_id, "follow_up_id": follow_up.id}
    store_files(checked, actor=actor, now=now, **owner)


def _may_see(follow_up: FollowUp, actor: User) -> bool:
    """The request's rule (visible_requests) for a request's follow-up; after an event, the staff
    side's events (visible_events) or, for a requester, the contact's own organization."""
    if follow_up.ta_request_id is not None:
        seen = visible_requests(actor).where(TARequest.id == follow_up.ta_request_id)
        return db.session.scalar(seen.with_only_columns(TARequest.id)) is not None
    if actor.role_enum == Role.REQUESTER:
        contact = db.session.get(User, follow_up.contact_id)
        return contact is not None and contact.organization_id == actor.organization_id
    seen = visible_events(actor).where(Event.id == follow_up.event_id)
    return db.session.scalar(seen.with_only_columns(Event.id)) is not None


def evidence_for_download(follow_up_id: int, attachment_id: int, *, actor: User) -> tuple[Attachment, Path]:
    """The evidence file and its path if `actor` may see its follow-up's request (or, after an
    event, is on the staff side or of the contact's organization); NotFound otherwise. Audited."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    row = db.session.get(Attachment, attachment_id)
    if follow_up is None or row is None or row.follow_up_id != follow_up.id or not _may_see(follow_up, actor):
        raise NotFound(_l("There is no such file."))
    return audited_download(row, actor=actor, object_ref=f"follow-up/{follow_up.id}/{row.id}")


def event_follow_ups(event_id: int) -> list[tuple[FollowUp, User, list[Attachment]]]:
    """An event's follow-ups with their contact and evidence files, for its staff-side page."""
    rows = db.session.execute(
        select(FollowUp, User)
        .join(User, User.id == FollowUp.contact_id)
        .where(FollowUp.event_id == event_id)
        .order_by(FollowUp.window_days, User.name, FollowUp.id)
    ).all()
    files: dict[int, list[Attachment]] = {}
    ids = [follow_up.id for follow_up, _user in rows]
    for row in db.session.scalars(
        select(Attachment).where(Attachment.follow_up_id.in_(ids)).order_by(Attachment.id)
    ):
        files.setdefault(row.follow_up_id, []).append(row)
    return [(follow_up, user, files.get(follow_up.id, [])) for follow_up, user in rows]
