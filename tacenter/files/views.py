from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import signed_in
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.files import services
from tacenter.files.download import file_response
from tacenter.files.forms import AttachForm
from tacenter.i18n import gettext as _
from tacenter.workflow.services import get_visible_request

bp = Blueprint("files", __name__)


def uploads_from_request(field: str) -> list[services.Upload]:
    """The files of a multipart form as plain values for the services."""
    return [
        services.Upload(filename=storage.filename, data=storage.read())
        for storage in request.files.getlist(field)
        if storage and storage.filename
    ]


@bp.route("/requests/<reference>/files", methods=["POST"])
@signed_in
def attach(reference: str):
    from tacenter.conversation.page import render_request_page

    ta_request = get_visible_request(reference, actor=current_user)
    form = AttachForm()
    if form.validate_on_submit():
        try:
            rows = services.attach_files(reference, uploads_from_request(form.files.name), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.files.errors = [error.message]
            return render_request_page(ta_request, attach_form=form, status=400)
        flash(_("Attached %(files)s.", files=", ".join(r.filename for r in rows)), "success")
        return redirect(url_for("workflow.detail", reference=reference, _anchor="timeline"))
    return render_request_page(ta_request, attach_form=form, status=400)


@bp.route("/requests/<reference>/files/<int:attachment_id>")
@signed_in
def download(reference: str, attachment_id: int):
    row, path = services.attachment_for_download(reference, attachment_id, actor=current_user)
    return file_response(row, path)
