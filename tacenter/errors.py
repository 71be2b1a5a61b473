"""Domain errors raised by services, and the handlers that turn them into responses.

Services never raise HTTP errors; views never catch these to hide them. A
forbidden object is reported as not found so that ids do not leak.
"""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from tacenter.i18n import lazy_gettext as _l

# Seconds a client is asked to wait when the database is unreachable (a restart, a failover).
RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    status = 400
    default_message = _l("That could not be done.")

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class NotFound(DomainError):
    status = 404
    default_message = _l("We could not find that.")


class NotAllowed(DomainError):
    status = 403
    default_message = _l("You are not allowed to do that.")


class InvalidTransition(DomainError):
    status = 409
    default_message = _l("That change of stage is not allowed.")


class Conflict(DomainError):
    status = 409
    default_message = _l("This was changed by someone else. Reload the page and try again.")


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


TITLES = {
    400: _l("Please check your request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    409: _l("Someone else changed this"),
    413: _l("That upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("The service is unavailable"),
}


DESCRIPTIONS = {
    400: _l("The page could not understand what was sent. Go back and try again."),
    403: _l("Your account cannot open this page. If you think it should, contact the TA center."),
    404: _l("There is no page at this address. Check the link, or start again from your home page."),
    405: _l("That action is not possible on this page."),
    413: _l("The file is larger than the center accepts. Send a smaller file."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, error: str, message: str):
    message = str(message)  # a lazy message is written in the reader's language here
    if _is_api():  # the JSON API answers in RFC 9457 problem details (tacenter.api.problems)
        from tacenter.api.problems import problem

        return problem(status, message)
    if _wants_json():
        return jsonify(error=error, message=message), status
    title = TITLES.get(status, error)
    return render_template("errors/error.html", status=status, title=title, message=message), status


MESSAGE_503 = _l("The service is briefly unavailable. Wait a few seconds and try again.")
# When even the reader's language cannot be looked up: both languages, no catalog needed.
PLAIN_503 = (
    "The service is briefly unavailable. Wait a few seconds and try again.\n"
    "El servicio no está disponible por un momento. Espere unos segundos y vuelva a intentarlo.\n"
)

# URL parts never copied into the log: they are credentials.
SECRET_URL_PARTS = frozenset({"token", "reset_token"})


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
            _l("The form expired or was not sent from this site. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Werkzeug's descriptions are English: readers get ours, by status, in their language.
        code = error.code or 500
        if code == 403:
            _audit_denied(403)
        if _is_api():
            from tacenter.api.problems import from_http_exception

            return from_http_exception(error)
        # An abort() that says why keeps its words; Werkzeug's own (English) defaults give way
        # to ours, by status, in the reader's language.
        said = error.description if error.description != type(error).description else None
        message = said or DESCRIPTIONS.get(code, error.description or "")
        return _respond(code, error.name.replace(" ", ""), message)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    def database_unavailable(error: Exception):
        """The database went away (restart, failover, locked): 503 and Retry-After, never a 500.
        The transaction was rolled back, so nothing of this request was half-written; the pool
        (pool_pre_ping) reconnects on the next request."""
        from tacenter.extensions import db

        app.logger.warning("database unavailable: %s", type(error).__name__)
        try:
            db.session.rollback()
            response = make_response(_respond(503, "ServiceUnavailable", MESSAGE_503))
        except Exception:  # the page (its language, the signed-in user) needs the database too
            response = make_response((PLAIN_503, 503, {"Content-Type": "text/plain; charset=utf-8"}))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error")
        return _respond(
            500, "Something went wrong", _l("The error was logged. Nothing you saved before this was lost.")
        )
