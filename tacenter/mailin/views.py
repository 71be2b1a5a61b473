from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db
from tacenter.mailin import devmail, queries, services
from tacenter.vocab import Role

bp = Blueprint("mailin", __name__)


@bp.route("/mail-to-sort")
@require_roles(Role.LEAD, Role.ADMIN)
def mail_to_sort():
    page = db.paginate(
        queries.mail_to_sort(),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("mailin/to_sort.html", page=page)


@bp.route("/mail-to-sort/<int:inbound_id>/sorted", methods=["POST"])
@require_roles(Role.LEAD, Role.ADMIN)
def mark_sorted(inbound_id: int):
    services.mark_sorted(inbound_id, actor=current_user)
    flash("The message was marked as sorted.", "success")
    return redirect(url_for("mailin.mail_to_sort"))


@bp.route("/dev/mail/<key>/reply", methods=["POST"])
@require_roles(Role.ADMIN)
def dev_reply(key: str):
    """Development only: reply to a sent email as its recipient, into the incoming Maildir."""
    config = current_app.config
    if not config["SHOW_DEV_MAIL"] or config["MAIL_SERVER"] or config["MAIL_IN_IMAP_HOST"]:
        abort(404)
    try:
        devmail.reply_as_recipient(key, request.form.get("body", ""))
    except NotFound:
        raise  # a 404 page
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("notifications.dev_mail")), 303
    flash(
        "Your reply is in the center's mailbox; the worker takes it within "
        f"{config['MAIL_IN_POLL_SECONDS']} seconds.",
        "success",
    )
    return redirect(url_for("notifications.dev_mail"))
