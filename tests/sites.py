"""A pytest plugin (tests/conftest.py loads it): the app served on http://localhost for a
module, alone or beside the tests' OpenID provider."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.fixture(scope="module")
def localhost_site(app):
    """A module's own app served as http://localhost:<port> (BASE_URL too): a secure context,
    as WebAuthn needs, and the relying party `localhost`."""
    from tests.browser import LiveServer

    with LiveServer() as server:
        site = make_app(BASE_URL=server.localhost_url)
        server.serve(site)
        yield server
        _dispose(site)


# The people the tests' OpenID provider knows: the login typed at its sign-in box -> claims.
OIDC_ACCOUNTS = {
    "sam": {"email": "sam.staff@center.test", "email_verified": True, "name": "Sam Staff"},
    "una": {"email": "una.unknown@elsewhere.test", "email_verified": True, "name": "Una Unknown"},
    "vic": {"email": "vic.unverified@center.test", "email_verified": False, "name": "Vic Unverified"},
    "rae": {"email": "rae.requester@org.test", "email_verified": True, "name": "Rae Requester"},
}


@pytest.fixture(scope="module")
def sso_site(app):
    """The app on http://localhost:<port> with one single sign-on provider, `local`: the real
    OpenID provider (tests/oidc/provider.mjs) run by node on loopback for the module."""
    from tests.browser import LiveServer
    from tests.oidc import OidcProvider

    with (
        LiveServer() as server,
        OidcProvider(
            redirect_uri=server.localhost_url + "/sso/local/callback",
            post_logout_redirect_uri=server.localhost_url + "/login",
            accounts=OIDC_ACCOUNTS,
        ) as provider,
    ):
        site = make_app(BASE_URL=server.localhost_url, OIDC_PROVIDERS={"local": provider.app_settings()})
        server.serve(site)
        server.provider = provider
        yield server
        _dispose(site)


def _dispose(site) -> None:
    from tacenter.extensions import db

    with site.app_context():
        db.session.remove()
        db.engine.dispose()
