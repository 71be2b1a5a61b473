"""Who is calling the API: a bearer token, never the session cookie.

Every /api/v1 request except the spec must carry `Authorization: Bearer <token>`. The token's
user becomes `current_user` for the request, so services, the visibility rule and the audit
log see exactly that user (role and organization), never more. The cookie is ignored: a
request with only a cookie gets 401, reads included, so a page on another site can never
make a signed-in browser read or write through the API (no CSRF, no cross-site reads).

A read-only token may only read (GET, HEAD, OPTIONS); a write with it is a 403.
Each token has its own rate limit, answered with RateLimit headers and 429 when spent.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, g, request
from limits import parse

from tacenter.api import tokens
from tacenter.api.problems import problem
from tacenter.extensions import limiter

API_PREFIX = "/api/v1"
OPEN_PATHS = {f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
POLICY = "per-token"


def _limit():
    return parse(current_app.config.get("API_RATE_LIMIT", "600/minute"))


def _rate_headers(item, stats) -> dict[str, str]:
    """IETF draft-ietf-httpapi-ratelimit-headers: the policy and what is left of it."""
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    return {
        "RateLimit-Policy": f'"{POLICY}";q={item.amount};w={item.get_expiry()}',
        "RateLimit": f'"{POLICY}";r={stats.remaining};t={reset}',
    }


def _authenticate():
    if not request.path.startswith(API_PREFIX + "/") or request.path in OPEN_PATHS:
        return None
    for name in ("api_token", "_login_user", "api_rate_headers"):  # nothing carried over from before
        g.pop(name, None)
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return problem(
            401,
            "Send a live personal access token: Authorization: Bearer <token>. The API does not "
            "accept the session cookie.",
            headers={"WWW-Authenticate": 'Bearer realm="tacenter"'},
        )
    g.api_token = token
    g._login_user = token.user  # Flask-Login's current_user for this request: the token's user
    item, key = _limit(), f"api-token:{token.id}"
    allowed = limiter.limiter.hit(item, key)
    stats = limiter.limiter.get_window_stats(item, key)
    g.api_rate_headers = _rate_headers(item, stats)
    if not allowed:
        headers = {**g.api_rate_headers, "Retry-After": g.api_rate_headers["RateLimit"].rsplit("t=", 1)[1]}
        return problem(429, "This token made too many requests. Wait and try again.", headers=headers)
    if request.method not in SAFE_METHODS and not token.can_write:
        return problem(403, "This token is read-only: create a read and write token to change records.")
    return None


def _add_rate_headers(response):
    if not request.path.startswith(API_PREFIX + "/"):
        return response
    for name, value in (g.get("api_rate_headers") or {}).items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code >= 400:
        from tacenter.extensions import db

        db.session.rollback()  # whatever a refused operation left in the session goes
    return response


def register(app: Flask) -> None:
    app.before_request(_authenticate)
    app.after_request(_add_rate_headers)
