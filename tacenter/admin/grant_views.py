"""Admin pages for an organization's grants: parse, call registry.grant_admin, respond."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from tacenter.accounts.models import Organization
from tacenter.admin.forms import GrantForm
from tacenter.admin.views import admin_only, bp
from tacenter.catalog.models import GrantProgram
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.registry.grant_admin import GrantValues, save_grant
from tacenter.registry.models import Grant


def _organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound("There is no such organization.")
    return org


def _program_choices(grant: Grant | None) -> list:
    # Active programs, plus an inactive one the grant already has so editing keeps it.
    query = select(GrantProgram).order_by(GrantProgram.name)
    programs = [p for p in db.session.scalars(query) if p.active or (grant and p.id == grant.program_id)]
    return options([("", "Choose…")] + [(p.id, p.name) for p in programs])


def _grant_page(org: Organization, grant: Grant | None):
    form = GrantForm(obj=grant)
    form.program_id.choices = _program_choices(grant)
    status = 200
    if form.validate_on_submit():
        values = GrantValues(
            form.program_id.data,
            form.grant_number.data,
            form.project_start.data,
            form.project_end.data,
            form.gpo_name.data or "",
            form.gpo_email.data or "",
            form.project_director.data or "",
        )
        try:
            saved = save_grant(org.id, values, actor=current_user, grant_id=grant.id if grant else None)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 400
        else:
            flash(f"Grant {saved.grant_number} was saved.", "success")
            return redirect(url_for("admin.edit_organization", org_id=org.id))
    elif form.is_submitted():
        status = 400
    return render_template("admin/grant_form.html", form=form, org=org, grant=grant), status


@bp.route("/organizations/<int:org_id>/grants/new", methods=["GET", "POST"])
@admin_only
def new_grant(org_id: int):
    return _grant_page(_organization(org_id), None)


@bp.route("/grants/<int:grant_id>", methods=["GET", "POST"])
@admin_only
def edit_grant(grant_id: int):
    grant = db.session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("There is no such grant.")
    return _grant_page(grant.organization, grant)
