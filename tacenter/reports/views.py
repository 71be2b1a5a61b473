"""Dashboard and report pages for leadership, leads and admins: parse filters, read, respond."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.audit.services import Action, record_event_now
from tacenter.db import utcnow
from tacenter.outcomes.event_figures import dashboard_outcomes
from tacenter.registry.queries import reach
from tacenter.reports import exports, queries, registry
from tacenter.reports.choices import filter_options
from tacenter.reports.filters import ReportFilters
from tacenter.reports.forms import ReportFilterForm
from tacenter.reports.periods import period_choices
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = (Role.LEADERSHIP, Role.LEAD, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> ReportFilters:
    tz = current_app.config["CENTER_TIMEZONE"]
    return ReportFilters.from_args(request.args, today=local_date(utcnow(), tz))


def _page_context(filters: ReportFilters) -> dict:
    tz = current_app.config["CENTER_TIMEZONE"]
    form = ReportFilterForm(request.args, period=filters.period.key)
    form.set_choices(period_choices(local_date(utcnow(), tz)), filter_options())
    form.validate()  # unknown values were already dropped by ReportFilters; this shows why
    return {"filters": filters, "form": form, "args": filters.query_args()}


@bp.route("/")
@require_roles(*READERS)
def dashboard():
    filters = _filters()
    tz = current_app.config["CENTER_TIMEZONE"]
    figures, charts = queries.dashboard_data(filters, tz=tz, now=utcnow())
    return render_template(
        "reports/dashboard.html",
        figures=figures,
        charts=charts,
        reports=registry.REPORTS,
        reach_rows=reach(filters.period.start, filters.period.end, tz=tz, program_id=filters.program),
        outcomes=dashboard_outcomes(filters, tz=tz),
        **_page_context(filters),
    )


@bp.route("/dashboard.json")
@require_roles(*READERS)
def dashboard_json():
    filters = _filters()
    tz = current_app.config["CENTER_TIMEZONE"]
    return jsonify(
        period={
            "start": filters.period.start.isoformat(),
            "end": filters.period.end.isoformat(),
            "label": filters.period.label,
        },
        **dict(zip(("figures", "charts"), queries.dashboard_data(filters, tz=tz, now=utcnow()), strict=True)),
    )


@bp.route("/<kind>")
@require_roles(*READERS)
def report(kind: str):
    report_kind = registry.REPORTS.get(kind) or abort(404)
    filters = _filters()
    rows, columns = request.args.get("rows", ""), request.args.get("columns", "")
    table = registry.build(
        report_kind, filters, rows=rows, columns=columns, tz=current_app.config["CENTER_TIMEZONE"]
    )
    fmt = request.args.get("format", "")
    name = f"{kind}-{filters.period.start}-{filters.period.end}"
    if fmt in ("csv", "xlsx"):
        record_event_now(
            Action.RECORDS_EXPORTED, actor=current_user, object_type="report", object_ref=f"{name}.{fmt}"
        )
    if fmt == "csv":
        return Response(
            exports.to_csv(table),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            exports.to_xlsx([table], preface=[[table.title], [filters.period.label]]),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return render_template(
        "reports/report.html",
        kind=report_kind,
        table=table,
        reports=registry.REPORTS,
        rows=rows or report_kind.default_rows,
        columns=columns,
        **_page_context(filters),
    )
