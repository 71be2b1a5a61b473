"""Domain errors raised by services, and the handlers that turn them into responses.

Services never raise HTTP errors; views never catch these to hide them. A
forbidden object is reported as not found so that ids do not leak.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    default_message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class NotFound(DomainError):
    status = 404
    default_message = "We could not find that."


class NotAllowed(DomainError):
    status = 403
    default_message = "You are not allowed to do that."


class InvalidTransition(DomainError):
    status = 409
    default_message = "That change of stage is not allowed."


class Conflict(DomainError):
    status = 409
    default_message = "This was changed by someone else. Reload the page and try again."


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


TITLES = {
    400: "Please check your request",
    403: "You do not have access to this page",
    404: "Page not found",
    409: "Someone else changed this",
    413: "That upload is too large",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "The service is unavailable",
}


def _respond(status: int, error: str, message: str):
    if _wants_json():
        return jsonify(error=error, message=message), status
    title = TITLES.get(status, error)
    return render_template("errors/error.html", status=status, title=title, message=message), status


# URL parts never copied into the log: they are credentials.
SECRET_URL_PARTS = frozenset({"token"})


def _audit_denied(status: int) -> None:
    """One audit event per request refused to a signed-in person (403, or an object they may
    not see, reported as 404). Anonymous refusals are sign-in redirects, not probes of objects."""
    from flask import g
    from flask_login import current_user

    from tacenter.audit.models import Outcome
    from tacenter.audit.services import Action, record_event_now
    from tacenter.extensions import db

    if g.get("denial_audited") or not current_user or not current_user.is_authenticated:
        return
    g.denial_audited = True
    db.session.rollback()  # whatever the failed use case had added must not ride along
    args = {k: v for k, v in (request.view_args or {}).items() if k not in SECRET_URL_PARTS}
    record_event_now(
        Action.ACCESS_DENIED,
        actor=current_user,
        object_type=(request.endpoint or "")[:48],
        object_ref=", ".join(f"{k}={v}" for k, v in sorted(args.items())),
        outcome=Outcome.DENIED,
        detail=f"{status} {request.method}",
    )


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if isinstance(error, NotFound | NotAllowed):
            _audit_denied(error.status)
        return _respond(error.status, type(error).__name__, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _respond(
            400,
            "Form expired",
            "The form expired or was not sent from this site. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            _audit_denied(403)
        return _respond(error.code or 500, error.name.replace(" ", ""), error.description or "")

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error")
        return _respond(
            500, "Something went wrong", "The error was logged. Nothing you saved before this was lost."
        )
