"""Leadership's outcomes page and the SAMHSA-ready files: one CSV per form per period (audited)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.audit.services import Action, record_event_now
from tacenter.db import utcnow
from tacenter.outcomes import event_figures, figures
from tacenter.outcomes.export import samhsa_table
from tacenter.outcomes.samhsa_map import FORMS
from tacenter.reports import exports
from tacenter.reports.filters import ReportFilters
from tacenter.timeliness.business_days import local_date
from tacenter.vocab import Role

bp = Blueprint("outcome_reports", __name__, url_prefix="/reports/outcomes")


def _filters() -> ReportFilters:
    tz = current_app.config["CENTER_TIMEZONE"]
    return ReportFilters.from_args(request.args, today=local_date(utcnow(), tz))


@bp.route("/")
@require_roles(Role.LEADERSHIP, Role.LEAD, Role.ADMIN)
def overview():
    """Outcome figures of the period: items, response rates, follow-up changes, objectives."""
    filters, tz = _filters(), current_app.config["CENTER_TIMEZONE"]
    tables = [
        figures.item_scores(filters, tz=tz, rows="tier"),
        figures.response_rates(filters, tz=tz),
        figures.follow_up_changes(filters, tz=tz),
        figures.objectives(filters, tz=tz, rows="tier"),
        event_figures.event_item_scores(filters, tz=tz),
        event_figures.event_response_rates(filters, tz=tz),
    ]
    return render_template(
        "outcomes/overview.html",
        filters=filters,
        tables=tables,
        forms=FORMS,
        args=filters.query_args(),
        leadership=current_user.role_enum == Role.LEADERSHIP,
    )


@bp.route("/samhsa/<form>.csv")
@require_roles(Role.LEADERSHIP)
def samhsa(form: str):
    """One form's answers of the period, item by item, in the funder's columns and codes."""
    if form not in FORMS:
        abort(404)
    filters = _filters()
    table = samhsa_table(form, filters, tz=current_app.config["CENTER_TIMEZONE"])
    name = f"samhsa-{form}-{filters.period.start}-{filters.period.end}.csv"
    record_event_now(
        Action.RECORDS_EXPORTED, actor=current_user, object_type="samhsa_export", object_ref=name
    )
    return Response(
        exports.to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
