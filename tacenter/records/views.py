"""Import and export pages: admins move the center's records in and out; requesters take
their own data with them."""

from __future__ import annotations

import csv
import io
import tempfile

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from tacenter.accounts.permissions import require_roles
from tacenter.audit.services import Action, record_event_now
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.kept import kept_in_app
from tacenter.records import services
from tacenter.records.columns import KINDS
from tacenter.records.export import write_archive
from tacenter.records.forms import CommitForm, ImportForm
from tacenter.records.mine import write_own_data
from tacenter.records.models import ImportJob, ImportRowError, JobStatus
from tacenter.vocab import Role

bp = Blueprint("records", __name__, url_prefix="/records")
admin_only = require_roles(Role.ADMIN)
SHOWN_ERRORS = 500
ZIP = "application/zip"


def _job(job_id: int) -> ImportJob:
    return db.session.get(ImportJob, job_id) or abort(404)


def _import_body_limit() -> None:
    """Roster and history files are bigger than attachments: the upload form has its own limit
    (a 413 past it, judged on the Content-Length before anything is read)."""
    if request.endpoint == "records.imports":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + 64 * 1024


@bp.record_once
def _limit_before_csrf(state) -> None:
    # First of the app's hooks: CSRF protection reads the form, so the limit must be set before it.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _import_body_limit)


@bp.route("/imports", methods=["GET", "POST"])
@admin_only
def imports():
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        upload = form.upload.data
        try:
            job = services.start_import(form.kind.data, upload.filename or "upload", upload.stream,
                                        sheet=form.sheet.data or "", actor=current_user)  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
        else:
            return redirect(url_for("records.job", job_id=job.id))
    elif form.is_submitted():
        status = 400
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(50))
    return render_template("records/imports.html", form=form, jobs=list(jobs), kinds=KINDS), status


KEPT_PROBLEMS = 64  # previews' problem tables kept per app, emptied when full


def _problems(job: ImportJob) -> Markup:
    """The problems table of `job`'s preview. Once the check is done its problems never change
    (they are written with the CHECKED status, and a job is checked once): the table is read and
    written once per job, not on every view of a preview an admin reloads while fixing the file."""

    def render() -> Markup:
        # Plain rows, not ORM objects: a preview lists up to 500 problems and reads three columns.
        errors = db.session.execute(
            select(ImportRowError.row_number, ImportRowError.column, ImportRowError.message)
            .where(ImportRowError.job_id == job.id)
            .order_by(ImportRowError.row_number, ImportRowError.id).limit(SHOWN_ERRORS)
        )  # fmt: skip
        return Markup(render_template("records/_problems.html", job=job, errors=list(errors)))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (an autoescaped template's output)

    if job.status in (services.QUEUED, JobStatus.CHECKING.value):
        return render()
    key = (job.id, job.stored_name, job.updated_at, job.error_count)
    return kept_in_app("import_problems", key, render, limit=KEPT_PROBLEMS)


@bp.route("/imports/<int:job_id>")
@admin_only
def job(job_id: int):
    found = _job(job_id)
    return render_template("records/job.html", job=found, problems=_problems(found), form=CommitForm(),
                           shown=SHOWN_ERRORS, kind=KINDS[found.kind])  # fmt: skip


@bp.route("/imports/<int:job_id>/status.json")
@admin_only
def job_status(job_id: int):
    found = _job(job_id)
    return jsonify(status=found.status, progress=found.progress, step=found.step, rows=found.rows_total)


@bp.route("/imports/<int:job_id>/commit", methods=["POST"])
@admin_only
def commit(job_id: int):
    _job(job_id)
    if not CommitForm().validate_on_submit():
        abort(400)
    try:
        services.commit_import(job_id, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("records.job", job_id=job_id))


@bp.route("/templates/<kind>.csv")
@admin_only
def template(kind: str):
    spec = KINDS.get(kind) or abort(404)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(spec.names)
    disposition = f'attachment; filename="{kind}-template.csv"'
    return Response(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": disposition})


def _zip_response(write, name: str):
    # Closed by send_file's response when it is sent; spills to disk past 8 MB.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write(spool)
    spool.seek(0)
    response = send_file(spool, mimetype=ZIP, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def _audit_export(what: str, organization_id: int | None = None) -> None:
    record_event_now(
        Action.RECORDS_EXPORTED,
        actor=current_user,
        object_type="records",
        object_ref=what,
        organization_id=organization_id,
    )


@bp.route("/export.zip")
@admin_only
def export():
    _audit_export("all records")
    return _zip_response(write_archive, "tacenter-records.zip")


@bp.route("/mine.zip")
@require_roles(Role.REQUESTER)
def own_data():
    _audit_export("own organization's records", organization_id=current_user.organization_id)
    return _zip_response(lambda target: write_own_data(target, actor=current_user), "our-requests.zip")
