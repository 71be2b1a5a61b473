"""Collaborative pages: the list, starting one, the cohort page (attendance per member across
sessions, members and their history) and adding, marking left and removing members."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.catalog.models import Topic
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.group_ta import collaboratives, permissions, queries
from tacenter.group_ta.blueprint import bp
from tacenter.group_ta.forms import CollaborativeForm, MemberForm
from tacenter.group_ta.models import Collaborative
from tacenter.vocab import Role

MANAGERS = (Role.STAFF, Role.LEAD, Role.ADMIN)


@bp.route("/collaboratives")
@signed_in
def collaborative_list():
    found = list(
        db.session.scalars(permissions.visible_collaboratives(current_user).order_by(Collaborative.name))
    )
    template = (
        "group_ta/my_collaboratives.html"
        if current_user.role_enum == Role.REQUESTER
        else "group_ta/collaboratives.html"
    )
    return render_template(
        template, collaboratives=found, may_start=current_user.role_enum in permissions.MANAGERS
    )


@bp.route("/collaboratives/new", methods=["GET", "POST"])
@require_roles(Role.LEAD, Role.ADMIN)
def new_collaborative():
    form = CollaborativeForm()
    form.topic_id.choices = options(
        [("", "None"), *[(t.id, t.name) for t in db.session.scalars(db.select(Topic).order_by(Topic.name))]]
    )
    form.lead_facilitator_id.choices = options(queries.staff_people())
    status = 200
    if form.validate_on_submit():
        try:
            values = collaboratives.CollaborativeValues(
                name=form.name.data,
                description=form.description.data or "",
                topic_id=form.topic_id.data,
                lead_facilitator_id=form.lead_facilitator_id.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
            )
            found = collaboratives.create_collaborative(values, actor=current_user)
            flash("The collaborative was started. Add its members.", "success")
            return redirect(url_for("group_ta.collaborative_detail", collaborative_id=found.id))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
    elif form.is_submitted():
        status = 400
    return render_template("group_ta/collaborative_form.html", form=form), status


def _render(collaborative_id: int, status: int = 200, member_form: MemberForm | None = None, error: str = ""):
    found = collaboratives.get_visible_collaborative(collaborative_id, actor=current_user)
    grid = queries.cohort_grid(found)
    if current_user.role_enum == Role.REQUESTER:
        return render_template("group_ta/my_collaborative.html", collaborative=found, grid=grid), status
    form = member_form or MemberForm(formdata=None)
    form.organization_id.choices = options(queries.organization_choices())
    return render_template(
        "group_ta/collaborative.html",
        collaborative=found,
        grid=grid,
        member_form=form,
        error=error,
        may_manage=permissions.may_manage_collaborative(found, current_user),
    ), status


@bp.route("/collaboratives/<int:collaborative_id>")
@signed_in
def collaborative_detail(collaborative_id: int):
    return _render(collaborative_id)


@bp.route("/collaboratives/<int:collaborative_id>/members", methods=["POST"])
@require_roles(*MANAGERS)
def add_member(collaborative_id: int):
    form = MemberForm()
    form.organization_id.choices = options(queries.organization_choices())
    if not form.validate_on_submit():
        return _render(collaborative_id, 400, member_form=form)
    try:
        member = collaboratives.add_member(
            collaborative_id, form.organization_id.data, actor=current_user, joined_on=form.joined_on.data
        )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render(collaborative_id, error.status, member_form=form)
    flash(f"{member.organization.name} joined; its request for individualized TA is open.", "success")
    return redirect(
        url_for("group_ta.collaborative_detail", collaborative_id=collaborative_id, _anchor="members")
    )


def _member_action(collaborative_id: int, organization_id: int, action, done: str):
    try:
        action(collaborative_id, organization_id, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        return _render(collaborative_id, error.status, error=error.message)
    flash(done, "success")
    return redirect(
        url_for("group_ta.collaborative_detail", collaborative_id=collaborative_id, _anchor="members")
    )


@bp.route("/collaboratives/<int:collaborative_id>/members/<int:organization_id>/leave", methods=["POST"])
@require_roles(*MANAGERS)
def member_left(collaborative_id: int, organization_id: int):
    return _member_action(
        collaborative_id, organization_id, collaboratives.mark_member_left, "The member was marked as left."
    )


@bp.route("/collaboratives/<int:collaborative_id>/members/<int:organization_id>/remove", methods=["POST"])
@require_roles(*MANAGERS)
def remove_member(collaborative_id: int, organization_id: int):
    return _member_action(
        collaborative_id, organization_id, collaboratives.remove_member, "The member was removed."
    )
