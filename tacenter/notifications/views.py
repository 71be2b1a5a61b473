from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user

from tacenter.accounts import session_scalars
from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.accounts.services import choose_language
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.i18n import current_language, ngettext
from tacenter.i18n import gettext as _
from tacenter.notifications import inbox
from tacenter.notifications.forms import PreferenceForm
from tacenter.notifications.mail import read_sink
from tacenter.notifications.services import email_mode
from tacenter.vocab import Role

bp = Blueprint("notifications", __name__)


@bp.record_once
def _count_with_the_session(_state) -> None:
    session_scalars.register("unread_notifications", inbox.unread_count_column)


@bp.app_context_processor
def _unread():
    """The unread count in the header, read with the sign-in session (no query of its own)."""

    def unread_notifications() -> int:
        return inbox.header_unread_count(current_user.id) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
@signed_in
def notification_list():
    page = db.paginate(
        inbox.notifications_for(current_user),
        page=request.args.get("page", 1, type=int) or 1,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("notifications/list.html", page=page)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@signed_in
def mark_read(notification_id: int):
    inbox.mark_read(notification_id, actor=current_user)
    return redirect(url_for("notifications.notification_list"))


@bp.route("/notifications/read-all", methods=["POST"])
@signed_in
def mark_all_read():
    count = inbox.mark_read(None, actor=current_user)
    flash(
        ngettext("%(num)s notification marked as read.", "%(num)s notifications marked as read.", count),
        "success",
    )
    return redirect(url_for("notifications.notification_list"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@signed_in
def settings():
    form = PreferenceForm(email_mode=email_mode(current_user.id).value, locale=current_language())
    status = 200
    if form.validate_on_submit():
        try:
            inbox.set_email_mode(form.email_mode.data, actor=current_user)
            if form.locale.data:
                choose_language(current_user.id, form.locale.data)
                refresh()  # the confirmation below is read in the language just chosen
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
        else:
            flash(_("Your preferences were saved."), "success")
            return redirect(url_for("notifications.settings"))
    elif form.is_submitted():
        status = 400
    return render_template("notifications/settings.html", form=form), status


@bp.route("/dev/mail")
@require_roles(Role.ADMIN)
def dev_mail():
    """Development only: the emails the worker delivered to the local sink."""
    if not current_app.config["SHOW_DEV_MAIL"] or current_app.config["MAIL_SERVER"]:
        abort(404)
    return render_template("notifications/dev_mail.html", messages=read_sink())
