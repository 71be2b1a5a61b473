"""The staff queue: the page, its downloads, and saved views (parse, call, respond).

The page, the downloads and the links of saved views all read their filters through
queue_filters.bind, and their rows through queries.queue_query (visible_requests first).
"""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from tacenter.accounts import session_scalars
from tacenter.accounts.permissions import staff_side
from tacenter.audit.services import Action, record_event_now
from tacenter.errors import DomainError
from tacenter.intake import table
from tacenter.timeliness.queries import assess_requests
from tacenter.workflow import queries, queue_export, queue_filters, saved_views
from tacenter.workflow.blueprint import bp
from tacenter.workflow.forms import SaveViewForm


@bp.record_once
def _count_with_the_session(_state) -> None:
    session_scalars.register("saved_views", saved_views.owned_count_column)


def _queue_args(args: dict[str, str]) -> dict[str, str]:
    """`args` as url_for keywords: their names never clash with url_for's own."""
    return {k: v for k, v in args.items() if k in queue_filters.FILTER_KEYS}


def _render_queue(save_form: SaveViewForm | None = None, status: int = 200):
    read = queue_filters.read(request.args)
    current = dict(read.current)
    query, rows = queries.kept_queue_page(current_user, read.filters)
    page = table.paginate(query, page=read.page, rows=rows)
    choices_ = queue_filters.QueueChoices.load()
    shared = [(v.name, queue_filters.clean_args(v.filters, choices_)) for v in saved_views.SHARED_VIEWS]
    own = [(v, queue_filters.clean_args(v.filters, choices_)) for v in saved_views.views_of(current_user)]
    # Timeliness is staff-side information; requesters do not reach the queue anyway.
    return render_template(
        "workflow/queue.html",
        filter_fields=read.fields_html,
        page=page,
        timeliness=assess_requests(page.items),
        current=current,
        shared_views=shared,
        own_views=own,
        save_form=save_form or SaveViewForm(formdata=None),
    ), status


@bp.route("/queue")
@staff_side
def queue():
    return _render_queue()


@bp.route("/queue/views", methods=["POST"])
@staff_side
def save_view():
    form = SaveViewForm()
    if not form.validate_on_submit():
        return _render_queue(form, 400)
    current = queue_filters.filter_args(queue_filters.bind(request.args, queue_filters.QueueChoices.load()))
    try:
        view, replaced = saved_views.save_view(form.name.data, current, actor=current_user)
    except DomainError as error:
        form.name.errors = [*form.name.errors, error.message]
        return _render_queue(form, error.status)
    flash(f"Saved view “{view.name}” {'updated' if replaced else 'saved'}.", "success")
    return redirect(url_for("workflow.queue", **_queue_args(view.filters)))


@bp.route("/queue/views/<int:view_id>/delete", methods=["POST"])
@staff_side
def delete_view(view_id: int):
    name = saved_views.delete_view(view_id, actor=current_user)
    flash(f"Saved view “{name}” deleted.", "success")
    return redirect(url_for("workflow.queue"))


def _download_query():
    form = queue_filters.bind(request.args, queue_filters.QueueChoices.load())
    return queries.queue_query(current_user, queue_filters.filters_of(form))


def _attachment(response: Response, filename: str) -> Response:
    """A download of the queue, audited with its filters (which requests left the system)."""
    record_event_now(
        Action.RECORDS_EXPORTED,
        actor=current_user,
        object_type="queue",
        object_ref=f"{filename}?{request.query_string.decode('utf-8', 'replace')}",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/queue/requests.csv")
@staff_side
def download_csv():
    text = queue_export.csv_text(_download_query(), tz=current_app.config["CENTER_TIMEZONE"])
    return _attachment(Response(text, mimetype="text/csv"), "requests.csv")


@bp.route("/queue/requests.xlsx")
@staff_side
def download_xlsx():
    data = queue_export.xlsx_bytes(_download_query(), tz=current_app.config["CENTER_TIMEZONE"])
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(Response(data, mimetype=mimetype), "requests.xlsx")
