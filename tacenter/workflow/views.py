from __future__ import annotations

from flask import (
    flash,
    redirect,
    url_for,
)
from flask_login import current_user

from tacenter.accounts.permissions import signed_in, staff_side
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.workflow import assignment, services
from tacenter.workflow.blueprint import bp
from tacenter.workflow.forms import AssignForm, StageForm
from tacenter.workflow.rules import Stage


def _render_detail(ta_request, stage_form=None, assign_form=None, status=200):
    from tacenter.conversation.page import render_request_page

    return render_request_page(ta_request, stage_form=stage_form, assign_form=assign_form, status=status)


@bp.route("/requests/<reference>")
@signed_in
def detail(reference: str):
    # The page reads the topics with the rest of its rows (conversation.page_rows), in one statement.
    ta_request = services.get_visible_request(reference, actor=current_user, lazy_topics=True)
    return _render_detail(ta_request)


def _version(form) -> int | None:
    return int(form.version.data) if str(form.version.data or "").isdigit() else None


def _submit_stage(reference: str, form: StageForm) -> None:
    """Each target with details of its own goes to its own service; the rest to change_stage."""
    from tacenter.conversation.services import ask_requester

    target, note, version = form.target.data, (form.note.data or "").strip(), _version(form)
    if target == Stage.WAITING_ON_REQUESTER:
        ask_requester(reference, note, actor=current_user, expected_version=version)
    elif target == Stage.CLOSED:
        services.close_request(
            reference,
            goal_met=form.goal_met.data or "",
            outcome_summary=form.outcome_summary.data or "",
            note=note,
            actor=current_user,
            expected_version=version,
        )
    elif target == Stage.DECLINED:
        services.decline_request(reference, reason=note, actor=current_user, expected_version=version)
    elif target == Stage.REFERRED:
        services.refer_request(
            reference,
            reason=note,
            referred_to=form.referred_to.data or "",
            actor=current_user,
            expected_version=version,
        )
    else:
        services.change_stage(reference, target, actor=current_user, note=note, expected_version=version)


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
            _submit_stage(reference, form)
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
    form.assignee_id.choices = options([(u.id, u.name) for u in assignment.assignable_staff()])
    if form.validate_on_submit():
        try:
            assignment.assign_request(
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
