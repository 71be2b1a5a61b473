from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from tacenter.accounts.permissions import require_roles
from tacenter.notifications.mail import read_sink
from tacenter.vocab import Role

bp = Blueprint("notifications", __name__)


@bp.route("/dev/mail")
@require_roles(Role.ADMIN)
def dev_mail():
    """Development only: the emails the worker delivered to the local sink."""
    if not current_app.config["SHOW_DEV_MAIL"] or current_app.config["MAIL_SERVER"]:
        abort(404)
    return render_template("notifications/dev_mail.html", messages=read_sink())
