from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from tacenter.accounts.permissions import signed_in, staff_side
from tacenter.conversation import services
from tacenter.conversation.forms import NoteForm, ReplyForm
from tacenter.conversation.page import render_request_page
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.files.views import uploads_from_request
from tacenter.i18n import gettext as _
from tacenter.workflow.services import get_visible_request

bp = Blueprint("conversation", __name__)


def _refused(reference: str, form, name: str, error: DomainError):
    db.session.rollback()
    form.form_errors.append(error.message)
    ta_request = get_visible_request(reference, actor=current_user)
    return render_request_page(ta_request, status=error.status, **{name: form})


@bp.route("/requests/<reference>/replies", methods=["POST"])
@signed_in
def reply(reference: str):
    ta_request = get_visible_request(reference, actor=current_user)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_request_page(ta_request, reply_form=form, status=400)
    try:
        services.post_reply(
            reference, form.body.data, actor=current_user, uploads=uploads_from_request(form.files.name)
        )
    except DomainError as error:
        return _refused(reference, form, "reply_form", error)
    flash(_("Your reply was sent."), "success")
    return redirect(url_for("workflow.detail", reference=reference, _anchor="timeline"))


@bp.route("/requests/<reference>/notes", methods=["POST"])
@staff_side
def note(reference: str):
    ta_request = get_visible_request(reference, actor=current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_request_page(ta_request, note_form=form, status=400)
    try:
        services.add_note(reference, form.body.data, actor=current_user)
    except DomainError as error:
        return _refused(reference, form, "note_form", error)
    flash("The internal note was saved. Only TA staff can see it.", "success")
    return redirect(url_for("workflow.detail", reference=reference, _anchor="timeline"))
