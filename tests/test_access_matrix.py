"""The access matrix: every route × every role × own / other organization's / nonexistent
object × every method, against what each view declares (its `access_rule`).

Expected answers: anonymous on a non-public route → 302 to sign-in; a signed-in role the
rule leaves out → 403; a nonexistent object → 404; a requester on another organization's
request → 404 (and never a byte of it). A denied request changes nothing in the database,
and no GET ever does. A route without a declared rule fails the test.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from tests.conftest import Auth
from tests.fingerprint import database_fingerprint
from tests.routes import (
    FOREIGN,
    FOREIGN_CANARY,
    MISSING,
    OWNED_BY_EACH_USER,
    OWNED_BY_ORGANIZATION,
    OWNED_BY_SELF,
    ROLES,
    build_world,
    login_path_of,
    object_cases,
    routes,
    url_for_case,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Routes whose allowed answer is to end the session and send you to sign in.
SIGN_OUT = {"accounts.logout"}


def expected(route, role: str, case: str, world) -> str:
    """'login', 'forbidden', 'not found' or 'allowed'."""
    if not route.allows(role):
        return "login" if role == "anonymous" else "forbidden"
    if case == MISSING or any(name not in world.ids for name in route.arguments):
        return "not found"  # a made-up value for a parameter the harness cannot sample
    if case == FOREIGN and role == "requester" and OWNED_BY_ORGANIZATION & set(route.arguments):
        return "not found"
    if case == FOREIGN and role == "staff" and OWNED_BY_SELF & set(route.arguments):
        return "not found"
    if OWNED_BY_EACH_USER & set(route.arguments) and not (case != FOREIGN and role == "requester"):
        return "not found"
    return "allowed"


def answered(response) -> str:
    if login_path_of(response):
        return "login"
    return {403: "forbidden", 404: "not found"}.get(response.status_code, "allowed")


class Visitor:
    """A test client signed in as one role, with its CSRF token."""

    def __init__(self, app, role, user):
        # Only the email is kept: the harness drops the session between requests.
        self.role, self.user = role, (SimpleNamespace(email=user.email) if user is not None else None)
        self.client = app.test_client()
        self.auth = Auth(self.client)
        self.sign_in()

    def sign_in(self):
        if self.user is not None:
            self.auth.login(self.user)
        page = self.client.get("/" if self.user is not None else "/login").get_data(as_text=True)
        self.csrf = CSRF_RE.search(page).group(1)

    def still_signed_in(self) -> bool:
        """Whether the server still honours this client's session, decided by the app's own
        sign-in lookup (a page fetched after every POST was a sixth of the matrix's time)."""
        from tacenter.accounts.services import user_for_session

        if self.user is None:
            return True
        with self.client.session_transaction() as session:
            user_id, token = session.get("_user_id"), session.get("sid")
        config = self.client.application.config
        limits = {
            "idle_minutes": config["SESSION_IDLE_MINUTES"],
            "absolute_hours": config["SESSION_ABSOLUTE_HOURS"],
        }
        return user_id is not None and user_for_session(str(user_id), token, **limits) is not None


def run_matrix(app, world, all_routes, *, only=None) -> tuple[list[str], Counter]:
    """Every case of the matrix (or those whose route endpoint is in `only`): failures and a tally."""
    from tacenter.extensions import db

    visitors = {role: Visitor(app, role, world.users.get(role)) for role in ROLES}
    failures, tally, before = [], Counter(), None
    for route in all_routes:
        if only is not None and route.endpoint not in only:
            continue
        for case in object_cases(route, world):
            url = url_for_case(app, route, world, case)
            for role, visitor in visitors.items():
                for method in route.methods:
                    db.session.remove()
                    # The last case's "after" while nothing wrote since (one digest per case).
                    before = before or database_fingerprint()
                    if method == "GET":
                        response = visitor.client.get(url)
                    else:
                        response = visitor.client.open(url, method=method, data={"csrf_token": visitor.csrf})
                    want, got = expected(route, role, case, world), answered(response)
                    if route.endpoint in SIGN_OUT and want == "allowed" and got == "login":
                        got = "allowed"
                    tally[(method, want)] += 1
                    where = f"{method} {url} as {role} ({case} object)"
                    unsampled = any(name not in world.ids for name in route.arguments)
                    if unsampled and want == "not found" and got == "forbidden":
                        got = want  # a made-up object: refusing before looking it up is as good
                    if got != want:
                        failures.append(f"{where}: expected {want}, got {response.status_code}")
                    if got == "allowed" and method == "GET" and response.status_code not in (200, 302):
                        failures.append(f"{where}: expected a page, got {response.status_code}")
                    if response.status_code >= 500:
                        failures.append(f"{where}: server error {response.status_code}")
                    # Bytes, not text: downloads (a zip of one's own data) are checked too.
                    if role == "requester" and FOREIGN_CANARY.encode() in response.get_data():
                        failures.append(f"{where}: shows another organization's request")
                    db.session.remove()
                    after = None  # an allowed POST may change the database: read it afresh
                    if method == "GET" or want != "allowed":
                        after = database_fingerprint()
                        if after != before:
                            failures.append(f"{where}: changed the database")
                    before = after
                    if method != "GET" and not visitor.still_signed_in():
                        visitor.sign_in()  # e.g. the sign-out route did its job
                        before = None  # signing in records the sign-in on the account
    return failures, tally


def test_every_route_answers_every_role_as_declared(app):
    world = build_world()
    all_routes = routes(app)
    undeclared = [r.rule for r in all_routes if r.access_rule is None]
    assert not undeclared, f"routes with no declared access rule: {undeclared}"

    failures, tally = run_matrix(app, world, all_routes)
    cases = sum(tally.values())
    # Parameters tests/routes.py cannot fill with real objects yet: checked by role only.
    unsampled = sorted(
        {f"{r.rule} <{name}>" for r in all_routes for name in r.arguments}
        - {f"{r.rule} <{name}>" for r in all_routes for name in r.arguments if name in world.ids}
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "access-matrix.txt").write_text(
        f"{len(all_routes)} routes, {cases} cases\n"
        + "".join(f"by role only (no sample objects): {u}\n" for u in unsampled)
        + "".join(f"{method} {want}: {n}\n" for (method, want), n in sorted(tally.items()))
    )
    print(f"\naccess matrix: {len(all_routes)} routes, {cases} cases, {dict(tally)}")
    assert not failures, "\n".join(failures)
    # Every kind of answer was actually exercised.
    assert {want for _, want in tally} == {"login", "forbidden", "not found", "allowed"}


def test_the_matrix_catches_a_request_leaking_to_another_organization(app, monkeypatch):
    """Guard the guard: break the scoping query the way a careless refactor would."""
    from sqlalchemy import select

    from tacenter.intake.models import TARequest
    from tacenter.workflow import services

    # The request page's statement is kept per reader's scope: broken, and never kept after.
    monkeypatch.setattr(services, "requests_in_scope", lambda role, org_id, active: select(TARequest))
    services._by_reference.cache_clear()
    world = build_world()
    try:
        failures, _ = run_matrix(app, world, routes(app), only={"workflow.detail", "workflow.change_stage"})
    finally:
        services._by_reference.cache_clear()
    leaks = [f for f in failures if "as requester (other organization's object)" in f]
    assert any("GET" in f and "shows another organization's request" in f for f in leaks), failures
    assert any(f.startswith("POST") and "expected not found" in f for f in leaks), failures


def test_the_matrix_catches_a_page_that_writes_when_read(app, monkeypatch):
    """Guard the guard: with one digest per case, a GET that changes a domain row is still found,
    for every visitor."""
    from functools import wraps

    from sqlalchemy import update

    from tacenter.accounts.models import Organization
    from tacenter.extensions import db

    home = app.view_functions["home.index"]

    @wraps(home)  # keeps its declared access rule
    def writing_home(*args, **kwargs):
        db.session.execute(update(Organization).values(other_states=Organization.other_states + "x"))
        db.session.commit()
        return home(*args, **kwargs)

    monkeypatch.setitem(app.view_functions, "home.index", writing_home)
    failures, _ = run_matrix(app, build_world(), routes(app), only={"home.index"})
    changed = {f.split(" as ")[1].split(" ")[0] for f in failures if f.endswith("changed the database")}
    assert changed == set(ROLES), failures  # anonymous too: the write comes before the sign-in check


def test_a_route_without_a_declared_rule_is_reported(app):
    """The matrix's own guard: an undeclared view is found (here, one made up on the spot)."""
    from flask import Flask

    from tacenter.accounts.permissions import public

    scratch = Flask(__name__)
    scratch.add_url_rule("/declared", "declared", public(lambda: "ok"))
    scratch.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    assert [r.rule for r in routes(scratch) if r.access_rule is None] == ["/forgotten"]
