"""JSON endpoints behind static/js/passkeys.js: register a passkey, sign in with one."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user

from tacenter.accounts import signin
from tacenter.accounts.permissions import public
from tacenter.i18n import gettext as _
from tacenter.redirects import safe_next
from tacenter.sso.services import sso_required_for
from tacenter.twofactor import passkeys
from tacenter.twofactor.services import record_failure
from tacenter.twofactor.views import bp, keep_codes_for_one_page, throttled


def _registrant():
    """Who may add a passkey: the signed-in user, or one enrolling during sign-in."""
    if current_user.is_authenticated:
        return current_user
    return signin.pending_user("enrol")


def _json(message: str, status: int = 400):
    return jsonify(error=message), status


@bp.route("/passkeys/register/options", methods=["POST"])
@public
def passkey_register_options():
    user = _registrant()
    if user is None:
        return _json(_("Sign in first."))
    return passkeys.registration_options(user), 200, {"Content-Type": "application/json"}


@bp.route("/passkeys/register", methods=["POST"])
@throttled
@public
def passkey_register():
    user = _registrant()
    body = request.get_json(silent=True)
    if user is None or not isinstance(body, dict):
        return _json(_("Sign in first."))
    try:
        codes = passkeys.register(user, body)
    except passkeys.PasskeyRefused as error:
        return _json(error.message)
    next_url = url_for("twofactor.manage")
    if not current_user.is_authenticated:  # enrolling during a sign-in: it ends here
        next_url = safe_next(signin.pending_next(), url_for("home.index"))
        signin.start(user, method="password + new passkey")
    if codes:  # the first second factor: its recovery codes, shown once on the next page
        keep_codes_for_one_page(codes, next_url)
        return jsonify(redirect=url_for("twofactor.new_codes"))
    return jsonify(redirect=next_url)


@bp.route("/passkeys/sign-in/options", methods=["POST"])
@public
def passkey_sign_in_options():
    return (
        passkeys.authentication_options(signin.pending_user("verify")),
        200,
        {"Content-Type": "application/json"},
    )


@bp.route("/passkeys/sign-in", methods=["POST"])
@throttled
@public
def passkey_sign_in():
    if current_user.is_authenticated:
        return jsonify(redirect=url_for("home.index"))
    pending = signin.pending_user("verify")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _json(_("This passkey could not be checked. Try again."))
    try:
        user = passkeys.authenticate(body, user=pending)
    except passkeys.PasskeyRefused as error:
        if pending is not None:
            record_failure(pending, "passkey refused")
        return _json(error.message)
    if sso_required_for(user):
        return _json(
            _("Staff sign in with single sign-on here. Use the button for your organization's account.")
        )
    next_url = signin.pending_next() if pending else None
    signin.start(user, method="password + passkey" if pending else "passkey")
    return jsonify(redirect=safe_next(next_url, url_for("home.index")))
