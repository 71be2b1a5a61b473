from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from tacenter.accounts.permissions import signed_in, staff_side
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.vocab import Role
from tacenter.workflow import queries, services
from tacenter.workflow.forms import AssignForm, QueueFilterForm, StageForm

bp = Blueprint("workflow", __name__)


@bp.route("/queue")
@staff_side
def queue():
    form = QueueFilterForm(request.args)
    form.topic.choices = options([("", "Any topic")] + [(str(i), n) for i, n in topic_choices()])
    form.program.choices = options([("", "Any program")] + [(str(i), n) for i, n in program_choices()])
    form.assignee.choices = options(
        [("", "Anyone or no one"), ("none", "Unassigned"), ("me", "Me")]
        + [(str(u.id), u.name) for u in services.assignable_staff()]
    )
    if not form.validate():
        # Unknown values are dropped rather than trusted; the page still answers.
        for field in form:
            if field.errors:
                field.data = field.default
    filters = queries.QueueFilters(
        **{
            name: str(getattr(form, name).data or "")
            for name in ("q", "stage", "topic", "state", "program", "assignee", "sort", "tier", "org_type")
            + ("submitted_from", "submitted_to", "finished_from", "finished_to")
        }
    )
    page = db.paginate(
        queries.queue_query(current_user, filters),
        page=form.page.data or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("workflow/queue.html", form=form, page=page)


def _detail_forms(ta_request, stage_form=None, assign_form=None):
    transitions = services.allowed_transitions(ta_request, current_user)
    stage_form = stage_form or StageForm(formdata=None, version=ta_request.version)
    stage_form.target.choices = options([(t.target.value, t.action) for t in transitions])
    stage_form.version.data = ta_request.version
    if current_user.role_enum in (Role.LEAD, Role.ADMIN):
        assign_form = assign_form or AssignForm(formdata=None, assignee_id=ta_request.assignee_id)
        assign_form.assignee_id.choices = options([(u.id, u.name) for u in services.assignable_staff()])
        assign_form.version.data = ta_request.version
    else:
        assign_form = None
    return stage_form if transitions else None, assign_form


def _render_detail(ta_request, stage_form=None, assign_form=None, status=200):
    stage_form, assign_form = _detail_forms(ta_request, stage_form, assign_form)
    return render_template(
        "workflow/detail.html",
        ta_request=ta_request,
        stage_form=stage_form,
        assign_form=assign_form,
        history=queries.stage_history(ta_request),
        assignments=queries.assignment_history(ta_request),
    ), status


@bp.route("/requests/<reference>")
@signed_in
def detail(reference: str):
    return _render_detail(services.get_visible_request(reference, actor=current_user))


def _version(form) -> int | None:
    return int(form.version.data) if str(form.version.data or "").isdigit() else None


@bp.route("/requests/<reference>/stage", methods=["POST"])
@signed_in
def change_stage(reference: str):
    ta_request = services.get_visible_request(reference, actor=current_user)
    form = StageForm()
    form.target.choices = options(
        [(t.target.value, t.action) for t in services.allowed_transitions(ta_request, current_user)]
    )
    if form.validate_on_submit():
        try:
            services.change_stage(
                reference,
                form.target.data,
                actor=current_user,
                note=form.note.data or "",
                expected_version=_version(form),
            )
        except DomainError as error:
            form.form_errors.append(error.message)
            db.session.rollback()
            ta_request = services.get_visible_request(reference, actor=current_user)
            return _render_detail(ta_request, stage_form=form, status=error.status)
        flash("The stage was changed.", "success")
        return redirect(url_for("workflow.detail", reference=reference))
    return _render_detail(ta_request, stage_form=form, status=400)


@bp.route("/requests/<reference>/assign", methods=["POST"])
@staff_side
def assign(reference: str):
    ta_request = services.get_visible_request(reference, actor=current_user)
    form = AssignForm()
    form.assignee_id.choices = options([(u.id, u.name) for u in services.assignable_staff()])
    if form.validate_on_submit():
        try:
            services.assign_request(
                reference,
                form.assignee_id.data,
                actor=current_user,
                note=form.note.data or "",
                expected_version=_version(form),
            )
        except DomainError as error:
            form.form_errors.append(error.message)
            db.session.rollback()
            ta_request = services.get_visible_request(reference, actor=current_user)
            return _render_detail(ta_request, assign_form=form, status=error.status)
        flash("The request was assigned.", "success")
        return redirect(url_for("workflow.detail", reference=reference))
    return _render_detail(ta_request, assign_form=form, status=400)
