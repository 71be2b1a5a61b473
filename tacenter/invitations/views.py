from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import refresh
from flask_login import current_user
from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.accounts.permissions import public, require_roles
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.i18n import current_language, supported
from tacenter.i18n import gettext as _
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
                form.email.data,
                form.role.data,
                actor=current_user,
                organization_id=form.organization_id.data,
                locale=form.locale.data,
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
    if not supported(session.get("locale")) and supported(invitation.locale):
        session["locale"] = invitation.locale  # the page speaks the invitation's language
        refresh()
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(token, form.name.data, form.password.data, locale=current_language())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Your account is ready. Sign in below."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("invitations/accept.html", form=form, invitation=invitation)
