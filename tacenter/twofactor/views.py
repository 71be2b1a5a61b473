"""Second-factor pages: the code step of a sign-in, enrolment (forced or chosen), recovery codes."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_login import current_user

from tacenter.accounts import signin
from tacenter.accounts.permissions import public, signed_in
from tacenter.errors import DomainError
from tacenter.extensions import limiter
from tacenter.i18n import gettext as _
from tacenter.qr import qr_svg
from tacenter.redirects import safe_next
from tacenter.twofactor import crypto, passkeys, services
from tacenter.twofactor.forms import ButtonForm, CodeForm, EnrolForm

bp = Blueprint("twofactor", __name__)

ENROL_SECRET = "enrol_totp_secret"  # noqa: S105  (a session key: the secret until a code proves it)
NEW_CODES = "new_recovery_codes"  # a session key: codes made by a JSON request, for one page
CODES_TTL = 600  # seconds


def _pending_key() -> str:
    note = session.get(signin.PENDING_KEY)
    return "two-factor:" + str(note.get("uid") if isinstance(note, dict) else "none")


def _failed(response) -> bool:
    return response.status_code in (200, 400)  # a re-shown form or a refused passkey


def throttled(view):
    """Codes are throttled like passwords: per account and per address, no hard lockout."""
    view = limiter.limit("100 per 15 minutes", methods=["POST"], deduct_when=_failed, scope="two-factor-ip")(
        view
    )
    return limiter.limit(
        lambda: current_app.config["TWO_FACTOR_LIMIT"],
        key_func=_pending_key,
        methods=["POST"],
        deduct_when=_failed,
        scope="two-factor-account",
    )(view)


def _setup(user) -> dict:
    """The QR code and secret of an app being set up (kept in the session until confirmed)."""
    secret = session.get(ENROL_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[ENROL_SECRET] = services.new_totp_secret()
    return {"qr": qr_svg(services.provisioning_uri(user, secret), scale=5), "secret": secret}


@bp.route("/login/second-factor", methods=["GET", "POST"])
@throttled
@public
def verify():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = signin.pending_user("verify")
    if user is None:
        return render_template("twofactor/expired.html")
    form = CodeForm()
    if form.validate_on_submit():
        how = services.verify_second_factor(user, form.code.data)
        if how:
            return signin.finish(user, method=f"password + {how}", next_url=signin.pending_next())
        form.code.errors.append(_("That code is not right, or it was already used. Enter the newest code."))
    return render_template("twofactor/verify.html", form=form, has_totp=services.has_totp(user.id))


@bp.route("/login/enrol", methods=["GET", "POST"])
@throttled
@public
def enrol():
    """Leads, leadership and admins (and others where the center requires it) set up a second
    factor before their first page: until then they are not signed in at all."""
    if current_user.is_authenticated:
        return redirect(url_for("twofactor.manage"))
    user = signin.pending_user("enrol")
    if user is None:
        return render_template("twofactor/expired.html")
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = services.enrol_totp(user, session.get(ENROL_SECRET, ""), form.code.data)
        except DomainError as error:
            services.record_failure(user, "enrolment code wrong")
            form.code.errors.append(error.message)
        else:
            next_url = signin.pending_next()
            signin.start(user, method="password + new authenticator app")
            return _show_codes(codes, safe_next(next_url, url_for("home.index")))
    return render_template("twofactor/enrol.html", form=form, setup=_setup(user))


def keep_codes_for_one_page(codes: list[str], next_url: str) -> None:
    """New recovery codes made by a JSON request (a passkey's registration), for the page the
    browser goes to next: in the session cookie, encrypted with the application's key."""
    session[NEW_CODES] = crypto.encrypt(json.dumps({"codes": codes, "next": next_url}))


@bp.route("/account/two-factor/new-recovery-codes")
@signed_in
def new_codes():
    """Shows the codes kept by keep_codes_for_one_page, once (a reload goes to the account page)."""
    try:
        note = json.loads(crypto.decrypt(session.pop(NEW_CODES, ""), ttl=CODES_TTL))
    except (crypto.InvalidToken, ValueError):
        return redirect(url_for("twofactor.manage"))
    return _show_codes(note["codes"], safe_next(note.get("next"), url_for("twofactor.manage")))


def _show_codes(codes: list[str], next_url: str):
    response = current_app.make_response(
        render_template("twofactor/recovery_codes.html", codes=codes, next_url=next_url)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["GET", "POST"])
@signed_in
def manage():
    """A signed-in person's second factors: set up an app, add passkeys, new recovery codes."""
    form = EnrolForm()
    if services.has_totp(current_user.id):
        form = None
    elif form.validate_on_submit():
        try:
            codes = services.enrol_totp(current_user, session.get(ENROL_SECRET, ""), form.code.data)
        except DomainError as error:
            services.record_failure(current_user, "enrolment code wrong")
            form.code.errors.append(error.message)
        else:
            session.pop(ENROL_SECRET, None)
            return (
                _show_codes(codes, url_for("twofactor.manage"))
                if codes
                else redirect(url_for("twofactor.manage"))
            )
    return render_template(
        "twofactor/manage.html",
        form=form,
        setup=_setup(current_user) if form is not None else None,
        required=services.required_for(current_user),
        enrolled=services.is_enrolled(current_user.id),
        codes_left=services.recovery_codes_left(current_user.id),
        passkeys=passkeys.passkeys_of(current_user.id),
        button=ButtonForm(),
    )


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@signed_in
def new_recovery_codes():
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("twofactor.manage"))
    try:
        codes = services.new_recovery_codes(current_user)
    except DomainError:
        return redirect(url_for("twofactor.manage"))
    return _show_codes(codes, url_for("twofactor.manage"))
