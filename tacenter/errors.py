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


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
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
        return _respond(error.code or 500, error.name.replace(" ", ""), error.description or "")

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error")
        return _respond(
            500, "Something went wrong", "The error was logged. Nothing you saved before this was lost."
        )
