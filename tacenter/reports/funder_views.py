"""Funder report pages: list and request, progress and narrative, downloads."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import undefer

from tacenter.accounts.permissions import require_roles
from tacenter.audit.services import Action, record_event_now
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.reports import funder, registry
from tacenter.reports.forms import FunderReportForm, NarrativeForm
from tacenter.reports.models import FunderReport
from tacenter.reports.views import READERS, XLSX, bp


@bp.route("/funder", methods=["GET", "POST"])
@require_roles(*READERS)
def funder_list():
    form = FunderReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            report = funder.request_funder_report(form.start.data, form.end.data, actor=current_user)
        except DomainError as error:
            form.form_errors.append(error.message)
            status = 400
        else:
            return redirect(url_for("reports.funder_detail", report_id=report.id))
    elif form.is_submitted():
        status = 400
    rows = db.session.scalars(select(FunderReport).order_by(FunderReport.id.desc()).limit(200))
    return render_template(
        "reports/funder_list.html", form=form, rows=list(rows), reports=registry.REPORTS, args={}
    ), status


def _report(report_id: int) -> FunderReport:
    return db.session.get(FunderReport, report_id) or abort(404)


@bp.route("/funder/<int:report_id>", methods=["GET", "POST"])
@require_roles(*READERS)
def funder_detail(report_id: int):
    report = _report(report_id)
    form = NarrativeForm(obj=report)
    status = 200
    if form.validate_on_submit():
        try:
            funder.save_narrative(report.id, form.narrative.data or "", actor=current_user)
        except DomainError as error:
            form.form_errors.append(error.message)
            status = 400
        else:
            flash("Narrative saved; the files are being made again.", "success")
            return redirect(url_for("reports.funder_detail", report_id=report.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "reports/funder_detail.html", report=report, form=form, reports=registry.REPORTS, args={}
    ), status


@bp.route("/funder/<int:report_id>/status.json")
@require_roles(*READERS)
def funder_status(report_id: int):
    report = _report(report_id)
    return jsonify(status=report.status, progress=report.progress, step=report.step)


@bp.route("/funder/<int:report_id>/report.<fmt>")
@require_roles(*READERS)
def funder_file(report_id: int, fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    report = db.session.scalar(
        select(FunderReport).where(FunderReport.id == report_id).options(undefer(getattr(FunderReport, fmt)))
    )
    data = getattr(report, fmt) if report else None
    if data is None:
        abort(404)
    mimetype = "application/pdf" if fmt == "pdf" else XLSX
    name = f"funder-report-{report.period_start}-{report.period_end}.{fmt}"
    record_event_now(
        Action.RECORDS_EXPORTED,
        actor=current_user,
        object_type="funder_report",
        object_ref=f"{report.id}.{fmt}",
    )
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
