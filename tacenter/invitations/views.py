from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.accounts.permissions import public, require_roles
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.invitations import services
from tacenter.invitations.forms import AcceptForm, InviteForm
from tacenter.vocab import Role

bp = Blueprint("invitations", __name__)


@bp.route("/invitations/new", methods=["GET", "POST"])
@require_roles(Role.LEAD, Role.ADMIN)
def new():
    form = InviteForm()
    if current_user.role_enum == Role.LEAD:
        form.role.choices = options([(Role.REQUESTER.value, Role.REQUESTER.label)])
    form.organization_id.choices = options(
        [("", "Choose…")]
        + [(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]
    )
    if form.validate_on_submit():
        try:
            services.invite_user(
                form.email.data, form.role.data, actor=current_user, organization_id=form.organization_id.data
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Invitation sent to {form.email.data}.", "success")
            return redirect(url_for("invitations.new"))
    return render_template("invitations/new.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept(token: str):
    invitation = services.find_invitation(token)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(token, form.name.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash("Your account is ready. Sign in below.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("invitations/accept.html", form=form, invitation=invitation)
