"""Sending a stored file: always as an attachment, never rendered by this site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file

from tacenter.files.models import Attachment


def file_response(row: Attachment, path: Path) -> Response:
    """The file as a download (every route that serves a stored file answers through here)."""
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.filename)
    # Always an attachment, never rendered here: a file cannot run as a page of this site.
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response
