"""A small OAuth2 authorization server on loopback: a token endpoint (refresh-token and
client-credentials grants, as Microsoft 365's and Google's) and the RFC 7662 introspection
endpoint Dovecot asks whether a bearer token is valid."""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OAuth2Server:
    def __init__(self, *, client_id: str, client_secret: str, refresh_token: str, username: str):
        self.client_id, self.client_secret = client_id, client_secret
        self.refresh_token, self.username = refresh_token, username
        self.issued: set[str] = set()
        self.token_requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 (http.server's hook name)
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == "/token":
                    status, body = server._token(form)
                elif self.path == "/introspect":
                    status, body = 200, server._introspect(form)
                else:
                    status, body = 404, {}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _token(self, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        good_client = (
            form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret
        )
        good_grant = (
            form.get("grant_type") == "refresh_token" and form.get("refresh_token") == self.refresh_token
        )
        if not (good_client and good_grant):
            return 400, {"error": "invalid_grant"}
        token = secrets.token_urlsafe(24)
        self.issued.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _introspect(self, form: dict) -> dict:
        if form.get("token") in self.issued:
            return {"active": "true", "username": self.username}
        return {"active": "false"}

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
