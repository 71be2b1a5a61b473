"""Input refused where it enters, before any view: a NUL character anywhere in the request.

PostgreSQL's text columns cannot hold U+0000, so a NUL in a path, a search word, a form field,
a file name or a JSON body would otherwise reach the database and fail as a 500 (and on SQLite
be saved). No legitimate form or link carries one, so the whole request is refused with a 400
once, here, instead of field by field.
"""

from __future__ import annotations

from flask import Flask, abort, request

from tacenter.i18n import lazy_gettext as _l

NUL = "\x00"
MESSAGE = _l("The request contained a character that is not allowed (a NUL byte). Nothing was saved.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _carries_nul() -> bool:
    if NUL in request.path or any(_has_nul(k) or _has_nul(v) for k, v in request.args.items(multi=True)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.is_json:
        return _has_nul(request.get_json(silent=True))
    if any(_has_nul(k) or _has_nul(v) for k, v in request.form.items(multi=True)):
        return True
    return any(_has_nul(k) or _has_nul(f.filename or "") for k, f in request.files.items(multi=True))


def register_request_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_bytes():
        if _carries_nul():
            abort(400, description=MESSAGE)
