"""OpenID providers for the single sign-on tests.

`OidcProvider`: the real one (npm `oidc-provider`, tests/oidc/provider.mjs) run by node on
loopback. `FakeProvider`: a tiny HTTP server whose token endpoint answers with ID tokens the
test signs itself (joserfc), to try what a real provider never sends: expired, mis-signed,
for another audience, with another nonce.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "tacenter-tests"
CLIENT_SECRET = "tests-only-client-secret-0123456789"  # noqa: S105  (a test provider's)


class OidcProvider:
    """node tests/oidc/provider.mjs, on 127.0.0.1 and a free port, until the block ends."""

    def __init__(self, *, redirect_uri: str, post_logout_redirect_uri: str, accounts: dict[str, dict]):
        self.settings = {
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "redirectUris": [redirect_uri],
            "postLogoutRedirectUris": [post_logout_redirect_uri],
            "accounts": accounts,
        }
        self.process: subprocess.Popen | None = None
        self.issuer = ""

    def __enter__(self):
        node = shutil.which("node")
        assert node, "node is needed for the OpenID provider of the tests"
        self.process = subprocess.Popen(
            [node, str(SCRIPT), json.dumps(self.settings)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # its "development only" warnings
            text=True,
        )
        line = self.process.stdout.readline()  # "listening <issuer>", or "" if it died
        assert line.startswith("listening "), f"the OpenID provider did not start: {line!r}"
        self.issuer = line.split()[1]
        deadline = time.monotonic() + 15
        while True:
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the OpenID provider does not answer"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process.stdout.close()

    def app_settings(self, label: str = "Local ID") -> dict:
        return {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "label": label,
            "scope": "openid email profile",
        }


class FakeProvider:
    """Discovery, JWKS and a token endpoint on 127.0.0.1; `answers[code]` is the ID token's
    claims (or a callable making the whole token response) for that authorization code."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "good", "use": "sig"}, private=True)
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "good", "use": "sig"}, private=True)
        self.answers: dict[str, dict] = {}
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims: dict, *, key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": "good"}, claims, key or self.key)

    def app_settings(self) -> dict:
        return {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "label": "Fake ID",
            "scope": "openid email profile",
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                if self.path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": fake.issuer,
                            "authorization_endpoint": fake.issuer + "/auth",
                            "token_endpoint": fake.issuer + "/token",
                            "jwks_uri": fake.issuer + "/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        }
                    )
                if self.path == "/jwks":
                    return self._json(KeySet([fake.key]).as_dict(private=False))
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(p.split("=", 1) for p in self.rfile.read(length).decode().split("&") if "=" in p)
                answer = fake.answers.pop(form.get("code", ""), None)
                if answer is None:
                    return self._json({"error": "invalid_grant"}, 400)
                token = {"access_token": "at-" + form["code"], "token_type": "Bearer", "expires_in": 600}
                return self._json({**token, **answer})

        return Handler
