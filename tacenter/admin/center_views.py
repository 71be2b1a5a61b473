"""Admin page for the center's own settings (its name on funder reports)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tacenter.admin.forms import CenterForm
from tacenter.admin.views import admin_only, bp
from tacenter.center.services import center_settings, save_center_settings
from tacenter.errors import DomainError
from tacenter.extensions import db


@bp.route("/center", methods=["GET", "POST"])
@admin_only
def center():
    form = CenterForm(obj=center_settings())
    status = 200
    if form.validate_on_submit():
        try:
            save_center_settings(
                form.name.data,
                actor=current_user,
                require_two_factor_for_all=form.require_two_factor_for_all.data,
                require_sso_for_staff=form.require_sso_for_staff.data,
                # Left empty: the follow-up settings stay as they are.
                follow_up=(
                    form.follow_up_days.data,
                    form.follow_up_remind_days.data,
                    form.follow_up_lapse_days.data,
                )
                if form.follow_up_days.data
                and form.follow_up_remind_days.data
                and form.follow_up_lapse_days.data
                else None,
                event_survey_days=form.event_survey_days.data,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 400
        else:
            flash("The center's settings were saved.", "success")
            return redirect(url_for("admin.center"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/center.html", form=form), status
