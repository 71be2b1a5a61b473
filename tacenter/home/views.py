from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from tacenter.accounts.permissions import public
from tacenter.extensions import db
from tacenter.vocab import Role

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role_enum == Role.REQUESTER:
        return redirect(url_for("intake.my_requests"))
    return redirect(url_for("workflow.queue"))


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
