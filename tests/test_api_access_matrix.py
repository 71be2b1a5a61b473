"""The API's access matrix: every operation × every role (a token each, plus no token and a
signed-in cookie without a token) × own / other organization's / nonexistent object.

Expected: no token → 401 (the cookie is never accepted, reads included); a role the operation
does not declare → 403; a nonexistent object, or another organization's for a requester → 404
with no byte of it; a denied request leaves the database as it was. Allowed roles get their
answer from the service (which may still refuse with its finer rules, never with a 5xx).
"""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from tests.api_world import bearer, token_for
from tests.conftest import Auth
from tests.fingerprint import database_fingerprint
from tests.routes import FOREIGN, FOREIGN_CANARY, MISSING, MISSING_ID, MISSING_TEXT, OWN, build_world

ROLES = ("requester", "staff", "lead", "leadership", "admin")
OWNED_BY_ORGANIZATION = {"reference", "org_id", "event_id"}


def api_operations(app) -> list[tuple[str, str, str, tuple[str, ...], object]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith(("openapi.json", "/docs")):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS")):
            found.append(
                (method, rule.rule, rule.endpoint, tuple(rule.arguments), getattr(view, "access_rule", None))
            )
    return sorted(found)


def _samples(world) -> dict[str, dict[str, object]]:
    return {
        "reference": {
            OWN: world.objects["own_request"].reference,
            FOREIGN: world.objects["foreign_request"].reference,
            MISSING: MISSING_TEXT,
        },
        "org_id": {OWN: world.objects["ours"].id, FOREIGN: world.objects["theirs"].id, MISSING: MISSING_ID},
        "event_id": {
            OWN: world.objects["own_event"].id,
            FOREIGN: world.objects["foreign_event"].id,
            MISSING: MISSING_ID,
        },
    }


def _version(reference) -> int:
    from tacenter.extensions import db
    from tacenter.intake.models import TARequest

    db.session.expire_all()
    return db.session.scalar(select(TARequest.version).where(TARequest.reference == reference)) or 1


def _event_version(event_id) -> int:
    from tacenter.extensions import db
    from tacenter.group_ta.models import Event

    db.session.expire_all()
    return db.session.scalar(select(Event.version).where(Event.id == event_id)) or 1


def _event_body(rule: str, method: str, world, event_id) -> dict:
    staff = world.users["staff"]
    if rule == "/api/v1/events":
        body = {"title": "Matrix event", "event_type": "meeting", "tier": "universal"}
        return body | {"event_date": "2020-01-02", "duration_hours": "1", "facilitator_ids": [staff.id]}
    version = _event_version(event_id)
    if method == "PATCH":
        return {"version": version, "title": "Matrix event edit"}
    if rule.endswith("/attendance"):
        return {"version": version, "organization_id": world.objects["theirs"].id, "participant_count": 2}
    return {"version": version}


def _body(rule: str, method: str, world, values: dict) -> dict | None:
    """A well-formed body, so the service (not the parser) answers."""
    if method == "GET":
        return None
    if rule.startswith("/api/v1/events"):
        return _event_body(rule, method, world, values.get("event_id"))
    reference = values.get("reference")
    staff = world.users["staff"]
    if rule == "/api/v1/requests":
        return {
            "title": "Matrix request",
            "description": "From the matrix",
            "topic_ids": [world.objects["topics"][0].id],
            "state": "NM",
        }
    version = _version(reference)
    return {
        "PATCH": {"version": version, "title": "Matrix edit"},
        "stage": {"version": version, "target": "in_progress"},
        "assignment": {"version": version, "assignee_id": staff.id},
        "replies": {"body": "Matrix reply"},
        "notes": {"body": "Matrix note"},
        "activities": {"activity_date": "2020-01-02", "hours": "1", "mode": "virtual_meeting"},
    }[method if method == "PATCH" else rule.rsplit("/", 1)[1]]


def expected(role: str, access_rule, case: str, arguments) -> str:
    if role in ("anonymous", "cookie"):
        return "unauthenticated"
    if role not in {str(r) for r in access_rule}:
        return "forbidden"
    if case == MISSING:
        return "not found"
    if case == FOREIGN and role == "requester" and OWNED_BY_ORGANIZATION & set(arguments):
        return "not found"
    return "allowed"


def answered(status: int) -> str:
    return {401: "unauthenticated", 403: "forbidden", 404: "not found"}.get(status, "allowed")


def test_every_api_operation_answers_every_role_as_declared(app):
    from tacenter.extensions import db

    world = build_world()
    client = app.test_client()
    headers = {role: bearer(token_for(world.users[role])) for role in ROLES}
    headers["anonymous"] = {}
    cookie_client = app.test_client()
    Auth(cookie_client).login(world.users["admin"])
    samples = _samples(world)
    operations = api_operations(app)
    undeclared = [f"{m} {r}" for m, r, _, _, rule in operations if rule is None]
    assert not undeclared, f"API operations with no declared access rule: {undeclared}"
    failures, tally = [], Counter()
    for method, rule, endpoint, arguments, access_rule in operations:
        cases = [OWN, FOREIGN, MISSING] if arguments else ["none"]
        for case in cases:
            values = {name: samples[name][case] for name in arguments}
            url = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
            for role in (*ROLES, "anonymous", "cookie"):
                db.session.remove()
                before = database_fingerprint()
                body = _body(rule, method, world, values)
                caller = cookie_client if role == "cookie" else client
                response = caller.open(url, method=method, json=body, headers=headers.get(role, {}))
                want, got = expected(role, access_rule, case, arguments), answered(response.status_code)
                where = f"{method} {url} as {role} ({case} object)"
                tally[(method, want)] += 1
                if want == "allowed" and got == "forbidden":
                    got = "allowed"  # the service's finer rule (e.g. staff on another's request)
                if got != want:
                    failures.append(f"{where}: expected {want}, got {response.status_code}")
                if response.status_code >= 500:
                    failures.append(f"{where}: server error")
                if response.status_code >= 400 and response.mimetype != "application/problem+json":
                    failures.append(f"{where}: error not problem+json")
                if role == "requester" and FOREIGN_CANARY.encode() in response.get_data():
                    failures.append(f"{where}: shows another organization's request")
                db.session.remove()
                if want != "allowed" and database_fingerprint() != before:
                    failures.append(f"{where}: a denied request changed the database")
    cases = sum(tally.values())
    print(f"\nAPI access matrix: {len(operations)} operations, {cases} cases, {dict(tally)}")
    assert not failures, "\n".join(failures)
    assert {want for _, want in tally} == {"unauthenticated", "forbidden", "not found", "allowed"}
