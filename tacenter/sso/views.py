"""Sign-in through an OpenID provider: /sso/<provider>/start and its callback."""

from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException

from tacenter.accounts import signin
from tacenter.accounts.permissions import public
from tacenter.i18n import gettext as _
from tacenter.redirects import safe_next
from tacenter.sso import services
from tacenter.sso.client import client_for, configured_issuer

bp = Blueprint("sso", __name__)

SSO_NEXT = "sso_next"
SSO_PROVIDER = "sso_provider"  # kept in the signed-in session: sign-out offers the provider's
SSO_ID_TOKEN = "sso_id_token"  # noqa: S105  (a session key) end-session, with the ID token as hint


@bp.route("/sso/<provider>/start")
@public
def start(provider: str):
    client = client_for(provider)
    if client is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    session[SSO_NEXT] = safe_next(request.args.get("next"), "")
    try:
        return client.authorize_redirect(redirect_uri(provider))
    except (RequestException, ValueError, RuntimeError):
        services.record_sso_failure(provider, "provider unreachable")
        return _refused(_("The sign-in service is not answering. Try again in a few minutes."), 502)


@bp.route("/sso/<provider>/callback")
@public
def callback(provider: str):
    client = client_for(provider)
    if client is None:
        abort(404)
    next_url = session.pop(SSO_NEXT, None)
    try:
        metadata = client.load_server_metadata()
        if metadata.get("issuer") != configured_issuer(provider):
            raise services.SsoRefused("issuer mismatch")
        # state, the code (with PKCE's verifier), then the ID token: signature (JWKS), nonce,
        # exp, and iss and aud given here (Authlib checks `aud` only when told to).
        token = client.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "values": [metadata["issuer"]]},
                "aud": {"essential": True, "values": [client.client_id]},
            }
        )
        claims = _claims(client, token, metadata)
    except (
        AuthlibBaseError,
        JoseError,
        services.SsoRefused,
        RequestException,
        ValueError,
        KeyError,
    ) as error:
        services.record_sso_failure(provider, _reason(error))
        return _refused(_("Single sign-on did not complete. Start again from the sign-in page."), 400)
    try:
        user = services.match_user(provider, dict(claims))
    except services.SsoRefused as error:
        services.record_sso_failure(provider, "no matching account")
        return _refused(error.message, 403)
    signin.start(user, method=f"sso:{provider}")
    session[SSO_PROVIDER], session[SSO_ID_TOKEN] = provider, token.get("id_token", "")
    return redirect(safe_next(next_url, url_for("home.index")))


def redirect_uri(provider: str) -> str:
    """<BASE_URL>/sso/<provider>/callback: the address registered at the provider, whatever
    host or scheme this request came in by (behind a proxy, or localhost in development)."""
    return base_url() + url_for("sso.callback", provider=provider)


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _claims(client, token: dict, metadata: dict) -> dict:
    """The validated ID token's claims; an email the ID token leaves out (providers that put
    only `sub` in it when an access token is issued) comes from the userinfo endpoint, for
    the same subject."""
    claims = dict(token.get("userinfo") or {})
    if not claims:  # no ID token: an OAuth-only answer is no proof of who this is
        raise services.SsoRefused("no ID token")
    if "email" not in claims and metadata.get("userinfo_endpoint"):
        extra = client.userinfo(token=token)
        if extra.get("sub") != claims.get("sub"):
            raise services.SsoRefused("userinfo for another subject")
        claims.update({key: extra[key] for key in ("email", "email_verified", "name") if key in extra})
    return claims


def _reason(error: Exception) -> str:
    """What went wrong, for the audit log: the error's kind and the provider's or library's
    short description, e.g. `InvalidClaimError: invalid_claim: Invalid claim: "nonce"` (never
    a token: neither carries one)."""
    parts = [type(error).__name__]
    for text in (getattr(error, "error", None), getattr(error, "description", None)):
        if isinstance(text, str) and text and text not in parts:
            parts.append(text)
    if len(parts) == 1 and error.args:
        parts.append(str(error.args[0]))
    return ": ".join(parts)[:150]


def _refused(message: str, status: int):
    return render_template("accounts/sso_refused.html", message=message), status


def end_session_url(provider: str | None, id_token: str | None) -> str | None:
    """The provider's end-session address (RP-initiated logout), if it has one."""
    client = client_for(provider) if provider else None
    if client is None:
        return None
    try:
        metadata = client.load_server_metadata()
        if not metadata.get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=base_url() + url_for("accounts.login"), id_token_hint=id_token or None
        )["url"]
    except (RequestException, ValueError, RuntimeError):
        return None
