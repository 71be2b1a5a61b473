from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from tacenter.accounts.permissions import public, signed_in
from tacenter.extensions import db
from tacenter.health.services import service_states
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
    """For monitors and load balancers: the database, the broker, the workers and the beat.

    HTTP 503 only when the database is unavailable: then this instance cannot serve, and a load
    balancer should stop sending it traffic. A stopped worker or beat, or an unreachable broker,
    leaves the web working (intake writes to the outbox, which a worker sends later), so those
    answer 200 with `"status": "degraded"`; a monitor alerts on `status != "ok"` (a keyword
    check), and the fields say which part to look at:
      workers: ok | stale | none   a worker ran the heartbeat job within HEARTBEAT_STALE_SECONDS
      beat:    ok | stale | none   the beat's loop ticked within HEARTBEAT_STALE_SECONDS
    ("none": never seen; "unknown" while the database is unavailable).
    """
    try:
        db.session.execute(text("SELECT 1"))
        services = service_states(stale_after=current_app.config["HEARTBEAT_STALE_SECONDS"])
        database = "ok"
    except Exception:
        db.session.rollback()
        database = "unavailable"
        services = {"workers": "unknown", "beat": "unknown"}
    report = {"database": database, "broker": "ok" if _broker_ok() else "unavailable", **services}
    status = "ok" if all(value == "ok" for value in report.values()) else "degraded"
    return jsonify(status=status, **report), (200 if database == "ok" else 503)
