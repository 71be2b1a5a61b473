"""Dashboard and report pages for leadership, leads and admins: parse filters, read, respond."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_login import current_user
from markupsafe import Markup

from tacenter.accounts.permissions import require_roles
from tacenter.audit.services import Action, record_event_now
from tacenter.db import utcnow
from tacenter.formkit import kept_fields
from tacenter.reports import exports, kept_views, registry
from tacenter.reports.choices import filter_options
from tacenter.reports.filters import ReportFilters
from tacenter.reports.forms import ReportFilterForm
from tacenter.reports.periods import period_choices
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")
READERS = (Role.LEADERSHIP, Role.LEAD, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today():
    return local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])


def _filters() -> ReportFilters:
    return ReportFilters.from_args(request.args, today=_today())


def _freshness(served) -> dict:
    """When the figures shown were computed, and whether the worker keeps them (snapshots.py)."""
    return {
        "as_of": served.computed_at,
        "from_snapshot": served.snapshot,
        "refresh_minutes": max(1, current_app.config["REPORT_SNAPSHOT_SECONDS"] // 60),
    }


def _page_context(filters: ReportFilters) -> dict:
    today = _today()
    form = ReportFilterForm(request.args, period=filters.period.key)
    form.set_choices(period_choices(today), filter_options())
    form.validate()  # unknown values were already dropped by ReportFilters; this shows why
    # The period choices are labelled by fiscal year, so they are kept per day as well.
    fields = kept_fields("reports/_filter_fields.html", form, scope=(today,))
    return {"filters": filters, "form": form, "filter_fields": fields, "args": filters.query_args()}


@bp.route("/")
@require_roles(*READERS)
def dashboard():
    filters = _filters()
    tz = current_app.config["CENTER_TIMEZONE"]
    served = kept_views.dashboard(filters, tz=tz, today=_today())
    figures, charts, reach_rows, outcomes = served.value
    context = {"filters": filters, "args": filters.query_args(), "charts": charts}
    charts_html = kept_views.rendered(
        served,
        "dashboard charts " + request.full_path,
        lambda: Markup(render_template("reports/_charts.html", **context)),  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (an autoescaped template's output)
    )
    return render_template(
        "reports/dashboard.html",
        figures=figures,
        charts=charts,
        charts_html=charts_html,
        freshness=_freshness(served),
        reports=registry.REPORTS,
        reach_rows=reach_rows,
        outcomes=outcomes,
        **_page_context(filters),
    )


@bp.route("/dashboard.json")
@require_roles(*READERS)
def dashboard_json():
    filters = _filters()
    tz = current_app.config["CENTER_TIMEZONE"]
    served = kept_views.dashboard(filters, tz=tz, today=_today(), whole_page=False)
    return jsonify(
        period={
            "start": filters.period.start.isoformat(),
            "end": filters.period.end.isoformat(),
            "label": filters.period.label,
        },
        as_of=served.computed_at.isoformat(),
        figures=served.value[0],
        charts=served.value[1],
    )


@bp.route("/<kind>")
@require_roles(*READERS)
def report(kind: str):
    report_kind = registry.REPORTS.get(kind) or abort(404)
    filters = _filters()
    rows, columns = request.args.get("rows", ""), request.args.get("columns", "")
    fmt = request.args.get("format", "")
    tz = current_app.config["CENTER_TIMEZONE"]
    if fmt in ("csv", "xlsx"):  # a download is computed as of now
        served = None
        table = registry.build(report_kind, filters, rows=rows, columns=columns, tz=tz)
    else:
        served = kept_views.report(report_kind, filters, rows=rows, columns=columns, tz=tz, today=_today())
        table = served.value
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

    def render_table():
        return Markup(render_template("reports/_table.html", table=table))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (an autoescaped template's output)

    return render_template(
        "reports/report.html",
        kind=report_kind,
        table=table,
        # A long table (every declined request of the year) is written once per snapshot.
        table_html=kept_views.rendered(served, "report table " + request.full_path, render_table)
        or render_table(),
        reports=registry.REPORTS,
        rows=rows or report_kind.default_rows,
        columns=columns,
        freshness=_freshness(served),
        **_page_context(filters),
    )
