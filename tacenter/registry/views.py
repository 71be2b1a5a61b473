"""Registry pages: vetting pending organizations, and reach against the roster."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.models import Organization
from tacenter.accounts.permissions import require_roles
from tacenter.db import utcnow
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.registry import queries, vetting
from tacenter.registry.forms import ApproveForm, MergeForm
from tacenter.reports.filters import ReportFilters
from tacenter.reports.periods import period_choices
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

bp = Blueprint("registry", __name__, url_prefix="/registry")
VETTERS = vetting.VETTERS
READERS = (Role.LEADERSHIP, Role.LEAD, Role.ADMIN)


def _merge_form(form: MergeForm | None = None) -> MergeForm:
    form = form or MergeForm(formdata=None)
    form.into_id.choices = options([("", "Choose…")] + vetting.merge_targets())
    return form


def _render_pending(status: int = 200, merge_form: MergeForm | None = None):
    return render_template(
        "registry/pending.html",
        rows=vetting.pending_organizations(),
        approve_form=ApproveForm(),
        merge_form=_merge_form(merge_form),
    ), status


@bp.route("/pending")
@require_roles(*VETTERS)
def pending():
    return _render_pending()


@bp.route("/organizations/<int:org_id>/approve", methods=["POST"])
@require_roles(*VETTERS)
def approve(org_id: int):
    if not ApproveForm().validate_on_submit():
        return _render_pending(400)
    try:
        org = vetting.approve_organization(org_id, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_pending(error.status)
    flash(f"{org.name} is approved.", "success")
    return redirect(url_for("registry.pending"))


@bp.route("/organizations/<int:org_id>/merge", methods=["POST"])
@require_roles(*VETTERS)
def merge(org_id: int):
    if db.session.get(Organization, org_id) is None:
        abort(404)
    form = _merge_form(MergeForm())
    if not form.validate_on_submit():
        flash("Choose the organization to merge into.", "error")
        return _render_pending(400, form)
    try:
        target = vetting.merge_organization(
            org_id, form.into_id.data, actor=current_user, note=form.note.data
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_pending(error.status, form)
    flash(f"Merged into {target.name}: its people and requests are there now.", "success")
    return redirect(url_for("registry.pending"))


def _reach_for(filters: ReportFilters) -> list[queries.ProgramReach]:
    tz = current_app.config["CENTER_TIMEZONE"]
    period = filters.period
    return queries.reach(period.start, period.end, tz=tz, program_id=filters.program)


def _csv(rows: list[queries.ProgramReach], filters: ReportFilters) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Program", "On the roster", "Requested TA", "Received TA", "Received none", "Not reached"]
    )
    for r in rows:
        names = "; ".join(name for _, name, _ in r.not_reached)
        writer.writerow([r.program, r.roster, r.requested, r.received, r.none, names])
    name = f"reach-{filters.period.start}-{filters.period.end}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.route("/reach")
@require_roles(*READERS)
def reach():
    tz = current_app.config["CENTER_TIMEZONE"]
    today = local_date(utcnow(), tz)
    filters = ReportFilters.from_args(request.args, today=today)
    rows = _reach_for(filters)
    if request.args.get("format") == "csv":
        return _csv(rows, filters)
    return render_template(
        "registry/reach.html", rows=rows, filters=filters, periods=period_choices(today),
        args=filters.query_args(),
    )  # fmt: skip
