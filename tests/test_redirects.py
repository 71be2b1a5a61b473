"""The `next` target after sign-in never sends the browser to another site."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tacenter.accounts.models import User
from tacenter.extensions import db
from tacenter.redirects import safe_next
from tests.conftest import csrf_token
from tests.factories import UserFactory

BASE = "http://localhost/"

# Known open-redirect bypasses (OWASP's list, browser URL parsing quirks, double encoding).
BYPASSES = [
    "//evil.com",
    "///evil.com",
    "////evil.com/path",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    "/%2F%2Fevil.com",
    "/%2f/evil.com",
    "%2F%2Fevil.com",
    "/%5Cevil.com",
    "/%252F%252Fevil.com",
    "\t//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " //evil.com",
    "/%09/evil.com",
    "https:evil.com",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "//evil.com@localhost",
    "//localhost@evil.com",
    "evil.com",
]  # (a NUL anywhere in the request is refused before this: see tests/test_nul_bytes.py)


def browser_resolve(location: str, base: str = BASE) -> str:
    """Resolve a Location as a browser's WHATWG parser would for an http base, then urljoin.

    urljoin alone is stricter than browsers (it keeps `///evil.com` on the site), so apply the
    lenient steps browsers take first: trim C0/space, drop tabs and newlines, backslash as
    slash, and any run of two or more slashes starting a host.
    """
    value = re.sub(r"[\t\n\r]", "", location.strip("".join(chr(c) for c in range(0x21))))
    value = value.replace("\\", "/")
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", value)
    if scheme and scheme.group(1).lower() in ("http", "https") and scheme.group(1).lower() != "http":
        # another special scheme: its host follows whatever slashes there are
        value = scheme.group(1) + "://" + value[len(scheme.group(0)) :].lstrip("/")
    value = re.sub(r"^/{2,}", "//", value)
    return urljoin(base, value)


def _signed_in_location(app, user, target: str) -> str:
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302, target
    return response.headers["Location"]


def _stays_on_site(location: str) -> bool:
    return urlsplit(browser_resolve(location)).netloc == "localhost"


@pytest.mark.parametrize("target", BYPASSES)
def test_next_with_known_bypasses_never_leaves_the_site(app, target):
    user = UserFactory(role="staff")
    location = _signed_in_location(app, user, target)
    assert _stays_on_site(location), (target, location)
    assert location == "/", (target, location)  # refused, not repaired


@pytest.mark.parametrize(
    "target", ["/requests", "/requests?stage=new&page=2", "/requests/TA-2026-0001#files"]
)
def test_next_with_a_plain_path_is_followed(app, target):
    assert _signed_in_location(app, UserFactory(role="staff"), target) == target


PIECES = ["/", "\\", "//", "%2F", "%2f", "%5C", "%25", "\t", "\n", " ", "\x00", "\x1f", "evil.com", "@",
          ":", "https:", "http:", "?", "#", ".", "..", "localhost", "%09", "a"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join))
def test_next_with_many_slashes_never_leaves_the_site(target):
    """Whatever `next` is made of, the browser lands on this site (the rule, checked directly)."""
    location = safe_next(target, "/")
    assert _stays_on_site(location), (target, location)
    assert not re.search(r"[\x00-\x20\\\x7f]", location.replace(" ", "")), (target, location)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.lists(st.sampled_from([p for p in PIECES if p != "\x00"]), min_size=1, max_size=6).map("".join)
)
@example(target="///evil.com")
def test_sign_in_with_a_generated_next_never_leaves_the_site(app, target):
    """The same, through the real sign-in form and its Location header."""
    location = _signed_in_location(app, _the_user(), target)
    assert _stays_on_site(location), (target, location)


def _the_user():
    """One account for all of Hypothesis's examples (the database is cleaned per test, not per example)."""
    email = "hypothesis@example.org"
    return db.session.scalar(select(User).where(User.email == email)) or UserFactory(
        role="staff", email=email
    )
