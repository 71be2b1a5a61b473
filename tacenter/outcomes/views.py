"""Requester's follow-up form and the objectives page of a TA plan: parse, call a service, respond."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.delivery.queries import plan_for
from tacenter.delivery.services import may_work
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.files.download import file_response
from tacenter.files.services import Upload
from tacenter.group_ta.services import get_visible_event
from tacenter.i18n import gettext as _
from tacenter.outcomes import evidence, objectives, services
from tacenter.outcomes.models import OBJECTIVE_LABELS
from tacenter.surveys.defaults import FOLLOW_UP
from tacenter.surveys.instruments import current_version
from tacenter.vocab import STAFF_SIDE, Role
from tacenter.workflow.services import get_visible_request

bp = Blueprint("outcomes", __name__)


@bp.route("/requests/<reference>/follow-up/<int:days>", methods=["GET", "POST"])
@require_roles(Role.REQUESTER)
def follow_up(reference: str, days: int):
    """The follow-up instrument, in the requester's language, with the plan's open objectives."""
    ta_request, row = services.follow_up_of(reference, days, actor=current_user)
    version, errors, status = current_version(FOLLOW_UP), {}, 200
    if request.method == "POST":
        try:
            submission, errors = services.answer_follow_up(
                reference, days, request.form, _evidence_files(), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("outcomes.follow_up", reference=reference, days=days))
        if submission is not None:
            flash(_("Thank you: your answers were saved."), "success")
            return redirect(url_for("workflow.detail", reference=reference))
        status = 400
        ta_request, row = services.follow_up_of(reference, days, actor=current_user)
    open_objectives = [
        o for o in objectives.objectives_for(ta_request.id) if o.status in ("not_started", "in_progress")
    ]
    return render_template(
        "outcomes/follow_up.html",
        ta_request=ta_request,
        follow_up=row,
        version=version,
        errors=errors,
        posted=request.form if status == 400 else {},
        objectives=open_objectives,
    ), status


@bp.route("/events/<int:event_id>/follow-up/<int:days>", methods=["GET", "POST"])
@require_roles(Role.REQUESTER)
def event_follow_up(event_id: int, days: int):
    """The follow-up instrument about an event the contact's organization attended."""
    event, row = services.event_follow_up_of(event_id, days, actor=current_user)
    version, errors, status = current_version(FOLLOW_UP), {}, 200
    if request.method == "POST":
        try:
            submission, errors = services.answer_event_follow_up(
                event_id, days, request.form, _evidence_files(), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("outcomes.event_follow_up", event_id=event_id, days=days))
        if submission is not None:
            flash(_("Thank you: your answers were saved."), "success")
            return redirect(url_for("outcomes.event_follow_up", event_id=event_id, days=days))
        status = 400
        event, row = services.event_follow_up_of(event_id, days, actor=current_user)
    return render_template(
        "outcomes/follow_up.html",
        event=event,
        follow_up=row,
        version=version,
        errors=errors,
        posted=request.form if status == 400 else {},
        objectives=[],
    ), status


def _evidence_files() -> list[Upload]:
    """The follow-up form's evidence file as plain values for the services."""
    return [
        Upload(filename=storage.filename, data=storage.read())
        for storage in request.files.getlist("evidence-file")
        if storage and storage.filename
    ]


@bp.route("/follow-ups/<int:follow_up_id>/evidence/<int:attachment_id>")
@signed_in
def evidence_download(follow_up_id: int, attachment_id: int):
    """A follow-up's evidence file, for whoever may see its request or, after an event, staff and
    the contact's organization (outcomes.evidence); always as a download."""
    row, path = evidence.evidence_for_download(follow_up_id, attachment_id, actor=current_user)
    return file_response(row, path)


@bp.route("/events/<int:event_id>/follow-ups")
@require_roles(*STAFF_SIDE)
def event_follow_ups(event_id: int):
    """The staff side's list of an event's follow-ups: who, which window, answered or not, evidence."""
    event = get_visible_event(event_id, actor=current_user)
    return render_template(
        "outcomes/event_follow_ups.html", event=event, rows=evidence.event_follow_ups(event.id)
    )


@bp.route("/requests/<reference>/objectives", methods=["GET", "POST"])
@require_roles()
def plan_objectives(reference: str):
    """Goals and their objectives with history; staff who work the request add and update them."""
    ta_request = get_visible_request(reference, actor=current_user)
    status = 200
    if request.method == "POST":
        if not may_work(ta_request, current_user):
            flash("Only the assigned TA staff member or a lead can change objectives.", "error")
            return redirect(url_for("outcomes.plan_objectives", reference=reference)), 303
        form = request.form
        try:
            if form.get("objective"):
                objectives.update_objective(
                    reference,
                    _int(form.get("objective")),
                    form.get("status", ""),
                    note=form.get("note", ""),
                    evidence=form.get("evidence", ""),
                    actor=current_user,
                )
            else:
                objectives.add_objective(
                    reference,
                    _int(form.get("goal")),
                    form.get("description", ""),
                    target_date=_day(form.get("target_date", "")),
                    actor=current_user,
                )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            status = error.status
        else:
            flash("The objectives were saved.", "success")
            return redirect(url_for("outcomes.plan_objectives", reference=reference))
    goals, _steps = plan_for(ta_request.id)
    return render_template(
        "outcomes/objectives.html",
        ta_request=ta_request,
        goals=goals,
        objectives=objectives.objectives_for(ta_request.id),
        history=objectives.history_for(ta_request.id),
        may_change=may_work(ta_request, current_user),
        statuses=OBJECTIVE_LABELS,
    ), status


def _int(value) -> int:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 12:
        raise DomainError("Choose one from the list.")
    return int(value)


def _day(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("Give the target date as YYYY-MM-DD.") from None
