from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.formkit import kept_fields, options
from tacenter.i18n import gettext as _
from tacenter.intake import editing, services, table
from tacenter.intake.forms import EditRequestForm, RequestForm
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.registry.grants import grant_choices
from tacenter.vocab import Role
from tacenter.workflow.services import get_visible_request

bp = Blueprint("intake", __name__)


@bp.route("/requests/new", methods=["GET", "POST"])
@require_roles(Role.REQUESTER)
def new_request():
    user = current_user._get_current_object()  # the service reads it often; the proxy costs each time
    form = RequestForm()
    form.topic_ids.choices = options(topic_choices())
    form.program_id.choices = options([("", _("None or not sure"))] + program_choices())
    grants = grant_choices(user.organization_id)
    form.grant_id.choices = options([("", _("None or not about a grant"))] + grants)
    if request.method == "GET" and user.organization:
        form.state.data = user.organization.state
    if request.method == "GET" and request.args.get("from_mail"):
        _fill_from_mail(form, request.args.get("from_mail", type=int))
    if form.validate_on_submit():
        draft = services.RequestDraft(
            **{
                name: getattr(form, name).data
                for name in (
                    "title",
                    "description",
                    "desired_outcome",
                    "topic_ids",
                    "state",
                    "tier",
                    "urgency",
                    "preferred_mode",
                    "program_id",
                    "needed_by",
                    "grant_id",
                )
            }
        )
        try:
            token = form.submission_token.data
            ta_request = services.submit_request(draft, submission_token=token, actor=user)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                _(
                    "Thank you. Your request %(reference)s was received; we have emailed you a confirmation.",
                    reference=ta_request.reference,
                ),
                "success",
            )
            return redirect(url_for("workflow.detail", reference=ta_request.reference))
    fields = None
    if request.method == "GET" and not request.args.get("from_mail"):
        # A new form differs between readers only by language, the catalog, the organization's
        # grants and state: its markup (eleven fields, ~90 options) is kept per those.
        fields = kept_fields("intake/_request_fields.html", form, scope=tuple(grants),
                             exclude=("submission_token",), has_grants=bool(grants))  # fmt: skip
    return render_template("intake/new.html", form=form, has_grants=bool(grants), fields=fields)


def _fill_from_mail(form: RequestForm, inbound_id: int | None) -> None:
    """A request the requester began by email: its subject and text start the form."""
    from tacenter.mailin.services import draft_for  # mail-in sits above intake

    draft = draft_for(inbound_id, actor=current_user)
    if draft is not None:
        form.title.data = draft.draft_title[:200]
        form.description.data = draft.body


@bp.route("/requests")
@signed_in
def my_requests():
    """The requester's organization's requests (staff see every request here too)."""
    show = request.args.get("show", "open")
    query = visible_requests(current_user).order_by(TARequest.submitted_at.desc())
    if show == "open":
        query = query.where(TARequest.is_open())
    page = table.paginate(query)
    return render_template("intake/list.html", page=page, show=show)


@bp.route("/requests/<reference>/edit", methods=["GET", "POST"])
@require_roles(Role.REQUESTER, Role.STAFF, Role.LEAD, Role.ADMIN)
def edit_request(reference: str):
    ta_request = get_visible_request(reference, actor=current_user)
    try:
        editing.ensure_may_edit(ta_request, current_user)
    except DomainError as error:  # e.g. triage began: back to the request, saying why
        flash(error.message, "error")
        return redirect(url_for("workflow.detail", reference=reference))
    form = EditRequestForm(obj=ta_request)
    form.topic_ids.choices = options(topic_choices())
    form.program_id.choices = options([("", _("None or not sure"))] + program_choices())
    if not form.is_submitted():
        form.topic_ids.data = [t.id for t in ta_request.topics]
        form.version.data = ta_request.version
    status = 200
    if form.validate_on_submit():
        values = editing.RequestEdit(**{name: getattr(form, name).data for name in editing.FIELD_LABELS})
        version = int(form.version.data) if str(form.version.data).isdigit() else None
        try:
            changes = editing.edit_request(reference, values, actor=current_user, expected_version=version)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
            # What was typed stays; the next save is against the version now shown.
            ta_request = get_visible_request(reference, actor=current_user)
            form.version.data = ta_request.version
        else:
            flash(_("The request was updated.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("workflow.detail", reference=reference))
    elif form.is_submitted():
        status = 400
    return render_template("intake/edit.html", form=form, ta_request=ta_request), status
