"""Admin pages: parse, call the owning feature's service, respond."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts import management, queries
from tacenter.accounts.models import Organization, User
from tacenter.accounts.permissions import require_roles
from tacenter.accounts.services import deactivate_user, reactivate_user
from tacenter.accounts.sessions import end_all_sessions
from tacenter.admin.forms import ConfirmForm, OrganizationForm, RoleForm, UserFilterForm
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.registry.grants import organization_grants
from tacenter.twofactor.services import is_enrolled, reset_second_factor
from tacenter.vocab import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = require_roles(Role.ADMIN)


@bp.route("/users")
@admin_only
def users():
    form = UserFilterForm(request.args)
    if not form.validate():
        for field in form:
            if field.errors:
                field.data = field.default
    page = db.paginate(
        queries.users_query(form.q.data or "", form.role.data or ""),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    args = {k: v for k, v in request.args.items() if k in ("q", "role")}
    return render_template("admin/users.html", form=form, page=page, args=args)


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user.")
    return user


def _role_form(user: User, form: RoleForm | None = None) -> RoleForm:
    form = form or RoleForm(formdata=None, role=user.role, organization_id=user.organization_id)
    form.organization_id.choices = options([("", "Choose…")] + queries.organization_choices())
    return form


def _render_user(user: User, role_form: RoleForm | None = None, status: int = 200):
    return render_template(
        "admin/user.html",
        user=user,
        role_form=_role_form(user, role_form),
        confirm=ConfirmForm(),
        two_factor=is_enrolled(user.id),
    ), status


@bp.route("/users/<int:user_id>")
@admin_only
def user(user_id: int):
    return _render_user(_get_user(user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_only
def change_role(user_id: int):
    target = _get_user(user_id)
    form = _role_form(target, RoleForm())
    if form.validate_on_submit():
        try:
            management.change_role(
                target.id, form.role.data, actor=current_user, organization_id=form.organization_id.data
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return _render_user(_get_user(user_id), form, status=error.status)
        flash(f"{target.name} is now {Role(target.role).label}.", "success")
        return redirect(url_for("admin.user", user_id=target.id))
    return _render_user(target, form, status=400)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_only
def deactivate(user_id: int):
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return _render_user(target, status=400)
    if target.id == current_user.id:
        flash("You cannot deactivate your own account. Ask another admin.", "error")
        return redirect(url_for("admin.user", user_id=target.id))
    deactivate_user(target.id, actor=current_user)
    flash(f"{target.name} was deactivated and signed out everywhere. Their history stays.", "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_only
def reactivate(user_id: int):
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return _render_user(target, status=400)
    reactivate_user(target.id, actor=current_user)
    flash(f"{target.name} can sign in again.", "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@admin_only
def end_sessions(user_id: int):
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return _render_user(target, status=400)
    ended = end_all_sessions(target.id, actor=current_user)
    flash(f"{target.name} was signed out of {ended} session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/organizations")
@admin_only
def organizations():
    rows = db.session.execute(queries.organizations_with_counts()).all()
    return render_template("admin/organizations.html", rows=rows)


def _save_organization(form: OrganizationForm, org: Organization | None):
    flags = management.OrganizationFlags(
        form.other_states.data or "", form.is_tribal.data, form.is_territory.data
    )
    try:
        if org is None:
            org = management.create_organization(
                form.name.data, form.org_type.data, form.state.data, actor=current_user, flags=flags
            )
        else:
            management.update_organization(
                org.id, form.name.data, form.org_type.data, form.state.data, actor=current_user, flags=flags
            )
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return None
    flash(f"{org.name} was saved.", "success")
    return redirect(url_for("admin.organizations"))


@bp.route("/organizations/new", methods=["GET", "POST"])
@admin_only
def new_organization():
    form = OrganizationForm()
    if form.validate_on_submit() and (done := _save_organization(form, None)):
        return done
    return render_template("admin/organization_form.html", form=form, org=None)


@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@admin_only
def edit_organization(org_id: int):
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("There is no such organization.")
    form = OrganizationForm(obj=org)
    if form.validate_on_submit() and (done := _save_organization(form, org)):
        return done
    return render_template(
        "admin/organization_form.html", form=form, org=org, grants=organization_grants(org.id)
    )


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@admin_only
def reset_two_factor(user_id: int):
    """A lost phone: the user's app, recovery codes and passkeys go (audited), their sessions end."""
    target = _get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return _render_user(target, status=400)
    reset_second_factor(target.id, actor=current_user)
    flash(f"{target.name}'s second factor was reset; they set up a new one at their next sign-in.", "success")
    return redirect(url_for("admin.user", user_id=target.id))
