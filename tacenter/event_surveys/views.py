"""The participants' survey page (no account: anyone holding the link) and its QR code."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, render_template, request, url_for

from tacenter.accounts.permissions import public
from tacenter.errors import DomainError
from tacenter.event_surveys import services
from tacenter.extensions import db, limiter
from tacenter.i18n import current_language
from tacenter.surveys.defaults import POST_EVENT
from tacenter.surveys.instruments import current_version

bp = Blueprint("event_surveys", __name__)
KEY_AGE = 400 * 24 * 3600  # a browser keeps its key for a year and more


def survey_url(event_id: int) -> str:
    return url_for("event_surveys.answer", survey_token=services.survey_token(event_id), _external=True)


@bp.route("/survey/<survey_token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config.get("EVENT_SURVEY_LIMIT", "30 per hour"),
    methods=["POST"],
    scope="event-survey",
)
def answer(survey_token: str):
    event = services.event_of_token(survey_token)
    key = request.cookies.get(services.COOKIE, "")
    if not (20 <= len(key) <= 64):
        key = services.new_browser_key()
    version, errors, status, thanks = current_version(POST_EVENT), {}, 200, False
    if request.method == "POST":
        try:
            submission, errors = services.answer_event_survey(
                event, request.form, browser_key=key, locale=current_language()
            )
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "error")
            status = refused.status
        else:
            if submission is not None:
                thanks = True
            else:
                status, version = 400, current_version(POST_EVENT)
    response = make_response(
        render_template(
            "event_surveys/answer.html",
            event=event,
            state=services.survey_state(event),
            answered=thanks or services.answered_by(event.id, key),
            thanks=thanks,
            version=version,
            errors=errors,
            posted=request.form if status == 400 else {},
        ),
        status,
    )
    response.set_cookie(
        services.COOKIE,
        key,
        max_age=KEY_AGE,
        path="/survey",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
