"""Authlib's OpenID Connect clients, one per configured provider, kept on the app.

Nothing is fetched here: each provider's discovery document and keys are loaded at the
first sign-in through it (create_app stays free of network calls).
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    oauth = OAuth(app)
    for name, provider in app.config.get("OIDC_PROVIDERS", {}).items():
        oauth.register(
            name,
            client_id=provider["client_id"],
            client_secret=provider["client_secret"],
            server_metadata_url=provider["issuer"] + "/.well-known/openid-configuration",
            # PKCE (S256) on top of the client secret; Authlib adds state and a nonce.
            client_kwargs={"scope": provider["scope"], "code_challenge_method": "S256", "timeout": 10},
        )
    app.extensions["tacenter_oidc"] = oauth


def client_for(name: str):
    """The provider's client, or None for a name not configured."""
    if name not in current_app.config.get("OIDC_PROVIDERS", {}):
        return None
    return current_app.extensions["tacenter_oidc"].create_client(name)


def configured_issuer(name: str) -> str:
    return current_app.config["OIDC_PROVIDERS"][name]["issuer"]
