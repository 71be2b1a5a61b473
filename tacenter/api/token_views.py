"""Pages for personal access tokens: everyone's own (create, shown once; revoke) and the admin's
list of every token."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles, signed_in
from tacenter.api import tokens
from tacenter.api.forms import RevokeForm, TokenForm
from tacenter.db import utcnow
from tacenter.errors import DomainError, NotFound
from tacenter.i18n import gettext as _
from tacenter.vocab import Role

bp = Blueprint("api_tokens", __name__)


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens.tokens_of(current_user),
        secret=secret,
        revoke_form=RevokeForm(),
        now=utcnow(),
    ), status


@bp.route("/account/tokens", methods=["GET", "POST"])
@signed_in
def my_tokens():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.is_submitted() else 200)
    try:
        _, secret = tokens.create_token(
            form.name.data, form.scope.data, form.expires_in_days.data, actor=current_user
        )
    except DomainError as error:
        form.form_errors.append(error.message)
        return _page(form, status=400)
    # Shown on this answer only (never flashed: the flash would keep it in the session cookie).
    return _page(TokenForm(formdata=None), secret=secret, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke_my_token(token_id: int):
    if not RevokeForm().validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return redirect(url_for("api_tokens.my_tokens"))
    token = next((t for t in tokens.tokens_of(current_user) if t.id == token_id), None)
    if token is None:
        raise NotFound(_("There is no such token."))
    tokens.revoke_token(token.id, actor=current_user)
    flash(_("The token was revoked: it no longer works."), "success")
    return redirect(url_for("api_tokens.my_tokens"))


@bp.route("/admin/api-tokens")
@require_roles(Role.ADMIN)
def all_tokens():
    return render_template(
        "api/all_tokens.html", tokens=tokens.all_tokens(), revoke_form=RevokeForm(), now=utcnow()
    )


@bp.route("/admin/api-tokens/<int:any_token_id>/revoke", methods=["POST"])
@require_roles(Role.ADMIN)
def revoke_any_token(any_token_id: int):
    if RevokeForm().validate_on_submit():
        tokens.revoke_token(any_token_id, actor=current_user)
        flash("The token was revoked.", "success")
    return redirect(url_for("api_tokens.all_tokens"))
