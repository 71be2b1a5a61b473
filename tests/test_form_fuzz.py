"""S5: every WTForms form fuzzed through the route that posts it (quality.md S5).

Discovery: every POST route (the JSON API has Schemathesis, tests/test_api_schemathesis.py) is
posted once as every role its view allows, with a valid CSRF token and `FlaskForm.validate`
swapped for a recorder that answers "invalid", so the view changes nothing. Which form classes
a route validates is what it posts; a form class no route validates must be in `NOT_POSTED`
with the reason. Then Hypothesis posts generated values into each form's fields (unicode,
huge and control-character text, numbers out of range, malformed dates, choices not offered,
files with odd names): no answer is 5xx and nothing is logged at ERROR (an unhandled exception).
`make test` runs a few examples per form; the `soak` marker runs many.
"""

from __future__ import annotations

import io
import logging
import time

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.figures import FIGURES
from tests.routes import OWN, ROLES, build_world, login_path_of, routes, url_for_case
from tests.test_access_matrix import Visitor

# Form classes no POST route validates, with the reason (the test fails on any other).
NOT_POSTED = {
    # Filters read from the query string of a GET page; they have no POST.
    "UserFilterForm": "GET filter",
    "AuditFilterForm": "GET filter",
    "QueueFilterForm": "GET filter",
    "ReportFilterForm": "GET filter",
    "EventFilterForm": "GET filter",
    # Second factor: validated only while a sign-in is half done (a password accepted), which
    # the role visitors never are; tests/test_two_factor.py posts them wrong codes.
    "CodeForm": "second factor pending only",
    "EnrolForm": "second factor pending only",
    "TeamPeriodForm": "GET filter (formdata=None)",
    # Forms with no field but the CSRF token, or whose object the harness has no sample of yet
    # (an import job, a funder report: both made by the worker).
    "CommitForm": "no fields; needs an import job",
    "NarrativeForm": "needs a funder report made by the worker",
}
# Routes whose URL parameters tests/routes.py has no SAMPLES for: (url, role) posted as well.
EXTRA_TARGETS = [("/admin/timeliness/universal/routine", "admin")]

# Text that forms must refuse or keep, never crash on: unicode, control characters (no NUL:
# tests/test_nul_bytes.py refuses those before any view), huge, and markup.
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60),
    st.text(st.characters(min_codepoint=1, max_codepoint=31), min_size=1, max_size=20),
    st.integers(1000, 120_000).map(lambda n: ("ü𝄞" * n)[:n]),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "%s%n", "\u202e\ufeff"]),
)
NUMBER = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "0", "2147483648", "9" * 40, "1e309", "1,5", "NaN", "0x10"]),
    TEXT,
)
DATE = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2025-02-30", "9999-99-99", "0000-01-01", "-1-01-01", "2025-13-01", "31/12/2025"]),
    st.datetimes().map(lambda d: d.isoformat()),
    TEXT,
)
FILE = st.tuples(
    st.binary(max_size=2000),
    st.one_of(TEXT, st.sampled_from(["a.pdf", "../../etc/passwd", "x.exe", ".", "ü.docx"])),
).map(lambda pair: (io.BytesIO(pair[0]), pair[1] or "f"))
NUMERIC = {"IntegerField", "DecimalField", "FloatField", "IntegerRangeField", "DecimalRangeField"}
DATES = {"DateField", "DateTimeField", "DateTimeLocalField", "TimeField", "MonthField", "WeekField"}


def field_strategy(kind: str, choices: list[str]):
    offered_or_not = st.one_of(st.sampled_from(choices), TEXT) if choices else TEXT
    if kind in NUMERIC:
        return NUMBER
    if kind in DATES:
        return DATE
    if kind in ("SelectMultipleField", "MultiCheckboxField"):
        return st.lists(offered_or_not, max_size=5)
    if kind in ("SelectField", "RadioField"):
        return offered_or_not
    if kind == "BooleanField":
        return st.one_of(st.sampled_from(["y", "on", "", "false"]), TEXT)
    if kind == "FileField":
        return FILE
    if kind == "MultipleFileField":
        return st.lists(FILE, max_size=3)
    if kind == "SubmitField":
        return st.sampled_from(["1", ""])
    return TEXT


def form_strategy(spec: list[tuple[str, str, list[str]]]):
    """Each field present or left out, with generated values (no csrf_token: added at post)."""
    fields = {name: field_strategy(kind, choices) for name, kind, choices in spec if name != "csrf_token"}
    return st.fixed_dictionaries({}, optional=fields)


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(self.format(record))


def discover(app, world, visitors, blueprint=None) -> dict[str, dict]:
    """form class name -> {"url", "role", "fields"}: the first route and role that validates it."""
    seen: list[FlaskForm] = []

    real = FlaskForm.validate
    recording = [True]

    def recorder(self, extra_validators=None):
        if not recording[0]:  # signing a visitor back in
            return real(self, extra_validators)
        seen.append(self)
        return False

    FlaskForm.validate = recorder
    found: dict[str, dict] = {}
    try:
        _post_every_route(app, world, visitors, seen, found, recording, blueprint)
    finally:
        FlaskForm.validate = real
    return found


def _post_every_route(app, world, visitors, seen, found, recording, blueprint) -> None:
    targets = [
        (url_for_case(app, route, world, OWN), role)
        for route in routes(app)
        if "POST" in route.methods and (blueprint is None or route.endpoint.startswith(blueprint + "."))
        for role in ROLES
        if route.allows(role)
    ]
    for url, role in targets + (EXTRA_TARGETS if blueprint is None else []):
        if True:
            visitor = visitors[role]
            seen.clear()
            response = visitor.client.post(url, data={"csrf_token": visitor.csrf})
            forms = list(seen)
            if login_path_of(response) and role != "anonymous":
                recording[0] = False
                visitor.sign_in()
                recording[0] = True
            for form in forms:
                name = type(form).__name__
                if form.__module__.startswith("tacenter") and name not in found:
                    found[name] = {
                        "url": url,
                        "role": role,
                        "fields": [(f.name, type(f).__name__, _choices(f)) for f in form],
                    }


def _choices(field) -> list[str]:
    try:
        return [str(choice[0]) for choice in field.iter_choices()] if hasattr(field, "iter_choices") else []
    except Exception:  # a select whose choices the view had not set yet
        return []


def all_form_classes() -> set[str]:
    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return {
        c.__name__
        for c in walk(FlaskForm)
        if c.__module__.startswith("tacenter.") and c.__name__ != "PrefixedForm"  # a base
    }


def fuzz_one(name, target, visitor, examples, log, failures) -> int:
    """Post `examples` generated values into one form; failures are appended. Returns the posts."""
    from tacenter.extensions import db

    posts = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(values=form_strategy(target["fields"]))
    def post(values):
        posts.append(1)
        before = len(log.records)
        shown = str({k: (v if isinstance(v, str) else "<file>") for k, v in values.items()})[:300]
        where = f"{name} at {target['url']} as {target['role']}"
        try:
            response = visitor.client.post(
                target["url"], data={**values, "csrf_token": visitor.csrf}, content_type="multipart/form-data"
            )
        except Exception as error:  # an exception the app let through
            db.session.rollback()
            failures.append(f"{where}: raised {error!r} on {shown}")
            return
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code} on {shown}")
        if len(log.records) > before:
            failures.append(f"{where}: logged {log.records[-1][:300]} on {shown}")
        if login_path_of(response) and target["role"] != "anonymous":
            _restore_account(visitor)
            visitor.sign_in()

    post()
    return len(posts)


ACCOUNT_COLUMNS = ("email", "role", "active", "password_hash", "organization_id")


def _restore_account(visitor) -> None:
    """Put a visitor's account back as the world made it: an admin's fuzzed user form may have
    renamed, demoted or deactivated it (allowed, and what the soak run's hundreds of examples do)."""
    from tacenter.accounts.models import User
    from tacenter.extensions import db

    if getattr(visitor, "account", None):
        db.session.rollback()
        user = db.session.get(User, visitor.account["id"])
        for column in ACCOUNT_COLUMNS:
            setattr(user, column, visitor.account[column])
        db.session.commit()


def fuzz_every_form(app, examples: int, sabotage=None, blueprint=None) -> tuple[list[str], dict]:
    from tacenter.extensions import limiter

    world = build_world()
    visitors = {role: Visitor(app, role, world.users.get(role)) for role in ROLES}
    for role, visitor in visitors.items():
        if (user := world.users.get(role)) is not None:
            visitor.account = {"id": user.id, **{c: getattr(user, c) for c in ACCOUNT_COLUMNS}}
    found = discover(app, world, visitors, blueprint)
    missing = all_form_classes() - set(found) - set(NOT_POSTED)
    assert blueprint or not missing, (
        f"form classes no POST route validates (add a route or a NOT_POSTED reason): {missing}"
    )

    log = ErrorLog()
    loggers = [logging.getLogger(), app.logger]
    for logger in loggers:
        logger.addHandler(log)
    if sabotage:
        sabotage()
    limiter.enabled = False  # the sign-in throttle would answer 429 to most examples
    failures: list[str] = []
    posts = 0
    started = time.monotonic()
    try:
        for name, target in sorted(found.items()):
            posts += fuzz_one(name, target, visitors[target["role"]], examples, log, failures)
    finally:
        limiter.enabled = True
        for logger in loggers:
            logger.removeHandler(log)
    figures = {"forms": len(found), "posts": posts, "seconds": round(time.monotonic() - started, 1)}
    return failures, figures


def test_every_form_survives_generated_values(app, monkeypatch):
    failures, figures = fuzz_every_form(app, examples=12)
    FIGURES.append(
        f"S5 form fuzz (short): {figures['forms']} forms, {figures['posts']} posts "
        f"in {figures['seconds']} s, "
        f"{len(failures)} 5xx/exceptions"
    )
    assert not failures, "\n".join(failures[:20])
    assert figures["forms"] >= 35


@pytest.mark.soak
def test_every_form_survives_generated_values_at_length(app, monkeypatch):
    failures, figures = fuzz_every_form(app, examples=300)
    FIGURES.append(
        f"S5 form fuzz (soak): {figures['forms']} forms, {figures['posts']} posts in {figures['seconds']} s, "
        f"{len(failures)} 5xx/exceptions"
    )
    assert not failures, "\n".join(failures[:20])


def test_the_fuzzer_reports_a_form_that_crashes(app, monkeypatch):
    """Guard the guard: a form whose validation raises is reported, with the values posted."""
    from tacenter.group_ta.forms import EventForm

    def fragile(self, extra_validators=None):
        raise RuntimeError("boom")

    failures, _ = fuzz_every_form(
        app,
        examples=3,
        blueprint="group_ta",
        sabotage=lambda: monkeypatch.setattr(EventForm, "validate", fragile),
    )
    assert any(f.startswith("EventForm") for f in failures), failures[:5]
