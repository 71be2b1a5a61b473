from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from tacenter.accounts import recovery, services, sessions, signin
from tacenter.accounts.forms import (
    ChangePasswordForm,
    EndSessionForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from tacenter.accounts.permissions import public, signed_in
from tacenter.errors import DomainError
from tacenter.extensions import limiter, login_manager
from tacenter.i18n import current_language, supported
from tacenter.i18n import gettext as _
from tacenter.redirects import safe_next
from tacenter.sso.services import refuse_password, sso_providers, sso_required_for
from tacenter.sso.views import SSO_ID_TOKEN, SSO_PROVIDER, end_session_url

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    config = current_app.config
    return services.user_for_session(
        user_id,
        session.get("sid"),
        idle_minutes=config["SESSION_IDLE_MINUTES"],
        absolute_hours=config["SESSION_ABSOLUTE_HOURS"],
    )


def _login_email_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()[:254]


def _failed(response) -> bool:
    return response.status_code == 200  # a re-shown form is a failed attempt


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT"],
    key_func=_login_email_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit("100 per 15 minutes", methods=["POST"], deduct_when=_failed, scope="login-ip")
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and sso_required_for(user):
            refuse_password(user)
            form.password.errors.append(
                _("Staff sign in with single sign-on here. Use the button for your organization's account.")
            )
        elif user is not None:
            return signin.after_first_factor(user, next_url=request.args.get("next"))
        else:
            form.password.errors.append(_("That email and password do not match an active account."))
    return render_template(
        "accounts/login.html",
        form=form,
        providers=sso_providers(),
        provider_end=session.pop("sso_end_session", None),
    )


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    services.end_session(session.get("sid"), actor=current_user)
    language = current_language()
    provider_end = end_session_url(session.get(SSO_PROVIDER), session.get(SSO_ID_TOKEN))
    logout_user()
    session.clear()
    session["locale"] = language  # the sign-in page after it speaks the same language
    if provider_end:  # signed in through a provider: offer to sign out there too
        session["sso_end_session"] = provider_end
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_requester(
                form.email.data,
                form.name.data,
                form.password.data,
                organization_name=form.organization_name.data,
                org_type=form.org_type.data,
                state=form.state.data,
                locale=current_language(),
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Your account is ready. Sign in to submit your first request."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


@bp.route("/account/sessions")
@signed_in
def my_sessions():
    rows = sessions.sessions_of(current_user, session.get("sid"))
    return render_template("accounts/sessions.html", rows=rows, form=EndSessionForm())


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@signed_in
def end_my_session(session_id: int):
    if not EndSessionForm().validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return redirect(url_for("accounts.my_sessions"))
    sessions.end_own_session(session_id, actor=current_user)
    flash(_("That session was ended; it is signed out."), "success")
    return redirect(url_for("accounts.my_sessions"))


def _reset_email_key() -> str:
    return "password-reset:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT"],
    key_func=_reset_email_key,
    methods=["POST"],
    scope="password-reset-account",
)
@limiter.limit("20 per hour", methods=["POST"], scope="password-reset-ip")
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        # The same answer whether or not the account exists: nobody learns who has one.
        flash(
            _(
                "If an account exists for that email address, we sent it a link to set a new password. "
                "Check your email."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<reset_token>", methods=["GET", "POST"])
@public
def reset_password(reset_token: str):
    reset = recovery.find_reset(reset_token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(reset_token, form.password.data)
        except recovery.WeakPassword as error:
            form.password.errors.append(error.message)
        else:
            if current_user.is_authenticated:  # this browser's sign-in ended with the others
                language = current_language()
                logout_user()
                session.clear()
                session["locale"] = language
            flash(
                _("Your new password is set, and every signed-in session has ended. Sign in below."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, reset=reset)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(
    "10 per 15 minutes",
    key_func=lambda: f"password-change:{current_user.get_id()}",
    methods=["POST"],
    deduct_when=_failed,
    scope="password-change",
)
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            recovery.change_password(
                current_user.id, form.current.data, form.password.data, keep_session=session.get("sid")
            )
        except recovery.WrongPassword as error:
            form.current.errors.append(error.message)
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            flash(_("Your password is changed. Your other signed-in sessions have ended."), "success")
            return redirect(url_for("accounts.my_sessions"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/language", methods=["POST"])
@public
def choose_language():
    """The language switch on every page: kept in the session, and on the user once signed in."""
    code = supported(request.form.get("locale"))
    if code is None:
        raise DomainError(_("Choose one of the languages offered."))
    session["locale"] = code
    if current_user.is_authenticated:
        services.choose_language(current_user.id, code)
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))
