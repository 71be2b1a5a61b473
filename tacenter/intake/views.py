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
from tacenter.formkit import options
from tacenter.intake import services, table
from tacenter.intake.forms import RequestForm
from tacenter.intake.models import TARequest
from tacenter.intake.permissions import visible_requests
from tacenter.vocab import Role

bp = Blueprint("intake", __name__)


@bp.route("/requests/new", methods=["GET", "POST"])
@require_roles(Role.REQUESTER)
def new_request():
    form = RequestForm()
    form.topic_ids.choices = options(topic_choices())
    form.program_id.choices = options([("", "None or not sure")] + program_choices())
    if request.method == "GET" and current_user.organization:
        form.state.data = current_user.organization.state
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
                )
            }
        )
        try:
            ta_request = services.submit_request(
                draft, submission_token=form.submission_token.data, actor=current_user
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                f"Thank you. Your request {ta_request.reference} was received; "
                "we have emailed you a confirmation.",
                "success",
            )
            return redirect(url_for("workflow.detail", reference=ta_request.reference))
    return render_template("intake/new.html", form=form)


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
