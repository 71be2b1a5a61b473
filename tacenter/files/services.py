"""Attaching files to requests and replies, and reading them back.

A file is accepted by what its bytes are (magic numbers, via `filetype`), not by its
name alone: the name's extension must agree with the content, and the kind must be in
ALLOWED_UPLOAD_TYPES. HTML, SVG and executables are never accepted. Files live outside
the web root under UPLOAD_DIR with generated names, readable only by the app's user.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from flask import current_app

from tacenter.accounts.models import User
from tacenter.audit.services import Action, record_event_now
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotAllowed, NotFound
from tacenter.extensions import db
from tacenter.files.models import Attachment
from tacenter.i18n import lazy_gettext as _l
from tacenter.intake.models import TARequest
from tacenter.vocab import Role
from tacenter.workflow.services import get_visible_request

TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
ALIASES = {"jpeg": "jpg"}
# Markup that a browser would run if it ever rendered the file.
ACTIVE_MARKERS = (b"<html", b"<svg", b"<script", b"<!doctype", b"<?xml", b"<body", b"<iframe")
FILE_MODE, DIR_MODE = 0o640, 0o750


@dataclass(frozen=True)
class Upload:
    """A file as the view received it: the name the person gave and its bytes."""

    filename: str
    data: bytes


def clean_filename(name: str) -> str:
    """The last path component, without control characters; used only for display and download."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "file"


def _extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALIASES.get(ext, ext)


def detect_type(upload: Upload) -> tuple[str, str]:
    """(kind, MIME type) of an acceptable upload; DomainError saying why otherwise."""
    name = clean_filename(upload.filename)
    limit = current_app.config["MAX_FILE_BYTES"]
    if not upload.data:
        raise DomainError(_l("%(name)s is empty.", name=name))
    if len(upload.data) > limit:
        raise DomainError(
            _l("%(name)s is larger than the %(size)s MB limit.", name=name, size=limit // (1024 * 1024))
        )
    allowed = {
        ALIASES.get(t.strip().lower(), t.strip().lower()) for t in current_app.config["ALLOWED_UPLOAD_TYPES"]
    }
    named = _extension(name)
    kind = filetype.guess(upload.data[:8192])
    if kind is not None:
        detected, mime = ALIASES.get(kind.extension, kind.extension), kind.mime
    elif named in TEXT_TYPES and _is_plain_text(upload.data):
        detected, mime = named, TEXT_TYPES[named]
    else:
        detected, mime = "", ""
    if not detected or detected not in allowed:
        raise DomainError(
            _l(
                "%(name)s is not a type of file we accept (%(types)s).",
                name=name,
                types=", ".join(sorted(allowed)),
            )
        )
    if named != detected:
        raise DomainError(
            _l(
                "%(name)s does not contain what its name says: it looks like a .%(type)s file.",
                name=name,
                type=detected,
            )
        )
    return detected, mime


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    head = data[:4096].lower()
    return not any(marker in head for marker in ACTIVE_MARKERS)


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def write_stored(data: bytes) -> str:
    """Write bytes under a generated name, folders 0750 and files 0640 whatever the umask."""
    stored_name = f"{utcnow():%Y/%m}/{secrets.token_hex(20)}"
    path = upload_root() / stored_name
    for folder in (upload_root(), path.parent.parent, path.parent):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, FILE_MODE)
    return stored_name


def check_uploads(uploads: list[Upload]) -> list[tuple[Upload, str]]:
    """Every upload's MIME type, or the first reason one is refused (nothing is written)."""
    return [(upload, detect_type(upload)[1]) for upload in uploads]


def store_uploads(
    ta_request: TARequest, checked: list[tuple[Upload, str]], *, actor: User, message_id=None, now: datetime
) -> list[Attachment]:
    """Write checked uploads and add their rows to the caller's transaction."""
    return store_files(checked, actor=actor, now=now, ta_request_id=ta_request.id, message_id=message_id)


def store_files(checked: list[tuple[Upload, str]], *, actor: User, now: datetime, **owner) -> list:
    """Write checked files as attachments of `owner` (a request, a message, a follow-up) in the
    caller's transaction."""
    rows = [
        Attachment(
            **owner,
            uploader_id=actor.id,
            filename=clean_filename(upload.filename),
            stored_name=write_stored(upload.data),
            content_type=mime,
            size=len(upload.data),
            created_at=now,
        )
        for upload, mime in checked
    ]
    db.session.add_all(rows)
    return rows


def attach_files(
    reference: str, uploads: list[Upload], *, actor: User, now: datetime | None = None
) -> list[Attachment]:
    """Attach files to a request. Anyone who may see the request may add to it, except leadership
    (read-only); nothing is written if any file is refused."""
    now = now or utcnow()
    ta_request = get_visible_request(reference, actor=actor)
    if actor.role_enum == Role.LEADERSHIP:
        raise NotAllowed(_l("Leadership can read requests but not add to them."))
    if not uploads:
        raise DomainError(_l("Choose a file to attach."))
    rows = store_uploads(ta_request, check_uploads(uploads), actor=actor, now=now)
    ta_request.updated_at = now
    db.session.commit()
    return rows


def stored_path(row: Attachment) -> Path:
    """Where a file's bytes are; NotFound if they are gone or the name would leave UPLOAD_DIR."""
    path = (upload_root() / row.stored_name).resolve()
    if upload_root().resolve() not in path.parents or not path.is_file():
        raise NotFound(_l("That file is no longer stored."))
    return path


def attachment_for_download(reference: str, attachment_id: int, *, actor: User) -> tuple[Attachment, Path]:
    """The file and its path if `actor` may see the request it belongs to; NotFound otherwise.

    The download is audited (the file's id and its request, never its name or content)."""
    ta_request = get_visible_request(reference, actor=actor)
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.ta_request_id != ta_request.id:
        raise NotFound(_l("There is no such file on this request."))
    where = f"{ta_request.reference}/{row.id}"
    return audited_download(row, actor=actor, object_ref=where, organization_id=ta_request.organization_id)


def audited_download(
    row: Attachment, *, actor: User, object_ref: str, organization_id: int | None = None
) -> tuple[Attachment, Path]:
    """The stored file of `row`, its download recorded in the audit log (never its name or content)."""
    path = stored_path(row)
    record_event_now(
        Action.FILE_DOWNLOADED,
        actor=actor,
        object_type="attachment",
        object_ref=object_ref,
        organization_id=organization_id,
    )
    return row, path
