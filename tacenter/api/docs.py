"""The API's reading page: Redoc, served from static/vendor (no third-party requests)."""

from __future__ import annotations

from flask import Blueprint, render_template

from tacenter.accounts.permissions import public

bp = Blueprint("api_docs", __name__)


@bp.route("/api/v1/docs")
@public
def page():
    return render_template("api/docs.html")
