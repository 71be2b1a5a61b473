from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, staff_side
from tacenter.conversation.page import activity_form, render_request_page, step_form
from tacenter.delivery import plans, queries, services
from tacenter.delivery.forms import ActivityForm, GoalForm, StepForm, StepStatusForm
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.i18n import gettext as _
from tacenter.surveys.defaults import POST_REQUEST
from tacenter.surveys.instruments import current_version
from tacenter.vocab import Role
from tacenter.workflow.services import get_visible_request

bp = Blueprint("delivery", __name__)


def _back(reference: str, anchor: str):
    return redirect(url_for("workflow.detail", reference=reference, _anchor=anchor))


def _refused(reference: str, name: str, form, error: DomainError | None = None):
    if error is not None:
        db.session.rollback()
        form.form_errors.append(error.message)
    ta_request = get_visible_request(reference, actor=current_user)
    return render_request_page(ta_request, status=error.status if error else 400, **{name: form})


def _values(form: ActivityForm) -> services.ActivityValues:
    return services.ActivityValues(
        activity_date=form.activity_date.data,
        hours=form.hours.data,
        mode=form.mode.data,
        participant_count=form.participant_count.data or 0,
        participant_roles=form.participant_roles.data or "",
        note=form.note.data or "",
        topic_ids=form.topic_ids.data or [],
    )


@bp.route("/requests/<reference>/activities", methods=["POST"])
@staff_side
def log_activity(reference: str):
    form = activity_form(ActivityForm())
    if not form.validate_on_submit():
        return _refused(reference, "activity_form", form)
    try:
        services.log_activity(reference, _values(form), actor=current_user)
    except DomainError as error:
        return _refused(reference, "activity_form", form, error)
    flash("The TA activity was logged.", "success")
    return _back(reference, "activities")


def _own_activity(reference: str, activity_id: int):
    ta_request = get_visible_request(reference, actor=current_user)
    activity = next((a for a in queries.activities_for(ta_request.id) if a.id == activity_id), None)
    if activity is None:
        raise NotFound("There is no such activity on this request.")
    return ta_request, activity


@bp.route("/requests/<reference>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@staff_side
def edit_activity(reference: str, activity_id: int):
    ta_request, activity = _own_activity(reference, activity_id)
    services.ensure_record_open(ta_request)  # the form is not offered on a closed request
    form = activity_form(ActivityForm(obj=activity))
    if form.topic_ids.data is None or not form.is_submitted():
        form.topic_ids.data = [t.id for t in activity.topics]
    status = 200
    if form.validate_on_submit():
        try:
            services.edit_activity(reference, activity_id, _values(form), actor=current_user)
            flash("The TA activity was changed; the history keeps what it was.", "success")
            return _back(reference, "activities")
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("delivery/edit_activity.html", ta_request=ta_request, form=form), status


@bp.route("/requests/<reference>/activities/<int:activity_id>/delete", methods=["POST"])
@staff_side
def delete_activity(reference: str, activity_id: int):
    services.delete_activity(reference, activity_id, actor=current_user)
    flash("The TA activity was deleted; the history keeps it.", "success")
    return _back(reference, "activities")


@bp.route("/requests/<reference>/plan/goals", methods=["POST"])
@staff_side
def add_goal(reference: str):
    form = GoalForm()
    if not form.validate_on_submit():
        return _refused(reference, "goal_form", form)
    try:
        plans.add_goal(reference, form.description.data, actor=current_user)
    except DomainError as error:
        return _refused(reference, "goal_form", form, error)
    flash("The goal was added to the TA plan.", "success")
    return _back(reference, "plan")


@bp.route("/requests/<reference>/plan/steps", methods=["POST"])
@staff_side
def add_step(reference: str):
    ta_request = get_visible_request(reference, actor=current_user)
    form = step_form(queries.plan_for(ta_request.id)[0], StepForm())
    if not form.validate_on_submit():
        return _refused(reference, "step_form", form)
    goal_id = int(form.goal_id.data) if (form.goal_id.data or "").isdigit() else None
    try:
        plans.add_step(
            reference,
            form.description.data,
            target_date=form.target_date.data,
            goal_id=goal_id,
            actor=current_user,
        )
    except DomainError as error:
        return _refused(reference, "step_form", form, error)
    flash("The planned activity was added.", "success")
    return _back(reference, "plan")


@bp.route("/requests/<reference>/plan/steps/<int:step_id>/status", methods=["POST"])
@staff_side
def step_status(reference: str, step_id: int):
    form = StepStatusForm()
    form.validate()
    try:  # the service finds the request and step first: unknown ones are 404s, form or not
        plans.set_step_status(reference, step_id, form.status.data or "", actor=current_user)
    except DomainError as error:
        if error.status != 400:
            raise
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash("The planned activity's status was changed.", "success")
    return _back(reference, "plan")


@bp.route("/requests/<reference>/survey", methods=["GET", "POST"])
@require_roles(Role.REQUESTER)
def survey(reference: str):
    """The current post-request instrument, in the requester's language; answered once."""
    ta_request = get_visible_request(reference, actor=current_user)
    answered = queries.survey_for(ta_request.id)
    version = current_version(POST_REQUEST)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            submission, errors = services.answer_survey(reference, request.form, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            status = error.status
            answered = queries.survey_for(ta_request.id)
        else:
            if submission is not None:
                flash(_("Thank you: your answers were saved."), "success")
                return _back(reference, "survey")
            status = 400
            version = current_version(POST_REQUEST)
    return render_template(
        "delivery/survey.html",
        ta_request=ta_request,
        version=version,
        errors=errors,
        posted=request.form if status == 400 else {},
        answered=answered,
    ), status
