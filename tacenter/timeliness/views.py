from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.timeliness import services
from tacenter.timeliness.forms import TargetForm
from tacenter.timeliness.queries import targets_table
from tacenter.vocab import Role, Tier, Urgency

bp = Blueprint("timeliness", __name__)


@bp.route("/admin/timeliness")
@require_roles(Role.ADMIN)
def targets():
    return render_template("timeliness/targets.html", table=targets_table(), tiers=Tier, urgencies=Urgency)


@bp.route("/admin/timeliness/<tier>/<urgency>", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def edit_target(tier: str, urgency: str):
    if tier not in Tier.__members__.values() or urgency not in Urgency.__members__.values():
        abort(404)
    current = targets_table()[(tier, urgency)]
    form = TargetForm(obj=current)
    status = 200
    if form.validate_on_submit():
        try:
            services.set_target(
                tier,
                urgency,
                first_response_days=form.first_response_days.data,
                assignment_days=form.assignment_days.data,
                delivery_days=form.delivery_days.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
        else:
            flash("The target was saved.", "success")
            return redirect(url_for("timeliness.targets"))
    elif form.is_submitted():
        status = 400
    heading = f"Targets for {Tier(tier).label} TA, {Urgency(urgency).label.lower()}"
    return render_template("timeliness/edit_target.html", form=form, heading=heading), status
