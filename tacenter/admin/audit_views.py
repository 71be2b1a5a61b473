"""Admin pages for the audit log: browse with filters, export as CSV (itself audited)."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_login import current_user

from tacenter.admin.forms import AuditFilterForm
from tacenter.admin.views import admin_only, bp
from tacenter.audit import queries
from tacenter.audit.models import Outcome
from tacenter.audit.services import Action, record_event_now
from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.formkit import options
from tacenter.reports.exports import to_csv

FILTER_ARGS = ("actor", "action", "outcome", "start", "end")


def _filters() -> tuple[AuditFilterForm, queries.AuditFilters]:
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", "Any action")] + [(a, a.replace("_", " ")) for a in Action.all()])
    form.outcome.choices = options([("", "Any outcome")] + [(o, o.capitalize()) for o in Outcome.ALL])
    if not form.validate():
        for field in form:
            if field.errors:  # a bad value filters nothing rather than failing the page
                field.data = None
    return form, queries.AuditFilters(
        actor=(form.actor.data or "").strip(),
        action=form.action.data or "",
        outcome=form.outcome.data or "",
        start=form.start.data,
        end=form.end.data,
    )


def _args() -> dict:
    return {k: v for k, v in request.args.items() if k in FILTER_ARGS and v}


@bp.route("/audit")
@admin_only
def audit_log():
    form, filters = _filters()
    page = db.paginate(
        queries.events_query(filters, tz=current_app.config["CENTER_TIMEZONE"]),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("admin/audit.html", form=form, page=page, args=_args())


@bp.route("/audit.csv")
@admin_only
def audit_export():
    _form, filters = _filters()
    table = queries.export_table(db.session, filters, tz=current_app.config["CENTER_TIMEZONE"])
    record_event_now(
        Action.AUDIT_EXPORTED,
        actor=current_user,
        object_type="audit_log",
        object_ref=", ".join(f"{k}={v}" for k, v in sorted(_args().items()))[:200],
        detail=f"{len(table.rows)} events",
    )
    name = f"audit-log-{utcnow().date()}.csv"
    return Response(
        to_csv(table), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
