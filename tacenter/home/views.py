from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from tacenter.accounts.permissions import public, signed_in
from tacenter.extensions import db
from tacenter.home import queries
from tacenter.vocab import Role

bp = Blueprint("home", __name__)


@bp.route("/")
@signed_in
def index():
    """Each role's home page answers its first question."""
    role = current_user.role_enum
    if role == Role.REQUESTER:
        rows, total = queries.open_requests_of_organization(current_user)
        return render_template("home/requester.html", rows=rows, total=total)
    if role == Role.STAFF:
        rows, total = queries.caseload(current_user)
        return render_template("home/staff.html", rows=rows, total=total)
    if role == Role.LEAD:
        rows, total = queries.unassigned_queue(current_user)
        mine, mine_total = queries.caseload(current_user)
        return render_template("home/lead.html", rows=rows, total=total, mine=mine, mine_total=mine_total)
    if role == Role.LEADERSHIP:
        return render_template("home/leadership.html", figures=queries.headline_figures(current_user))
    return render_template("home/admin.html", counts=queries.people_and_settings())


def _broker_ok() -> bool:
    celery_app = current_app.extensions["celery"]
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
        return True
    except Exception:
        return False


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        db.session.rollback()
        database = "unavailable"
    broker = "ok" if _broker_ok() else "unavailable"
    healthy = database == "ok"
    # The broker is reported but does not fail the check: intake works without it (outbox).
    return jsonify(status="ok" if healthy else "degraded", database=database, broker=broker), (
        200 if healthy else 503
    )
