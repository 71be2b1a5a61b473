"""Fixtures: a real database (SQLite file or a scratch PostgreSQL database) built by the migrations.

TACENTER_TEST_DB=postgresql runs the suite on the machine's PostgreSQL.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from flask import g
from flask.testing import FlaskClient

TMP = Path(tempfile.mkdtemp(prefix="tacenter-test-"))
os.environ.setdefault("TACENTER_INSTANCE", str(TMP / "instance"))
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKEND = os.environ.get("TACENTER_TEST_DB", "sqlite")

from config import REDIS_TRANSPORT_OPTIONS, _celery_settings  # noqa: E402  (after TACENTER_INSTANCE is set)
from tacenter.accounts import passwords  # noqa: E402
from tests.database import empty_tables  # noqa: E402
from tests.services import REDIS_URL, SMTPSink, WorkerProcess, flush_redis  # noqa: E402

pytest_plugins = ["tests.figures", "tests.sites"]

# Accounts made and signed in by the suite are hashed with argon2's cheapest parameters: at the
# app's own (passwords.PROFILE) each sign-in costs a third of a second here. test_password_policy
# holds the app to its profile and times sign-in with it.
passwords.use_hasher(PasswordHasher.from_parameters(CHEAPEST))


def _database_url() -> str:
    if BACKEND == "postgresql":
        name = f"tacenter_test_{secrets.token_hex(4)}"
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{TMP / 'test.sqlite'}"


DATABASE_URL = _database_url()


def _drop_pg_database() -> None:
    if BACKEND != "postgresql":
        return
    name = DATABASE_URL.rsplit("/", 1)[1]
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def config_for_tests(broker_url: str = REDIS_URL, **extra) -> dict:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "MAIL_SERVER": "",
        "MAIL_SINK_DIR": str(TMP / "mail"),
        "BASE_URL": "http://tacenter.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Web requests in tests publish to the machine's Redis, like production.
        "CELERY": _celery_settings(broker_url, REDIS_TRANSPORT_OPTIONS),
    }
    settings.update(extra)
    return settings


class FreshUserClient(FlaskClient):
    """Requests reuse the test's app context, and so `g`; start each with a clean `g`
    as a real request would (Flask-Login and Flask-WTF cache the user and token there)."""

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


def make_app(**settings):
    from tacenter import create_app

    app = create_app(config_for_tests(**settings))
    app.test_client_class = FreshUserClient
    return app


def _compile_stale_catalogs() -> None:
    """`make test` compiles the catalogs; a direct pytest run gets them too (.mo are not committed)."""
    from babel.messages.frontend import CommandLineInterface

    for po in (Path(__file__).parent.parent / "tacenter" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            CommandLineInterface().run(["pybabel", "-q", "compile", "-i", str(po), "-o", str(mo)])


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    _compile_stale_catalogs()
    app = make_app()
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
    yield app
    with app.app_context():
        from tacenter.extensions import db

        db.session.remove()
        db.engine.dispose()
    _drop_pg_database()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Each test starts with empty tables (kept: the schema and alembic's version)."""
    from tacenter.extensions import limiter

    ctx = app.app_context()
    ctx.push()
    yield
    empty_tables()
    limiter.reset()
    ctx.pop()
    # A test that hashed at the app's own profile must put the cheap one back, or every later
    # test in this process signs in at a third of a second (test_password_policy.app_profile).
    assert passwords._hasher.time_cost == CHEAPEST.time_cost, "a test left another argon2 profile in place"


@pytest.fixture
def db_session(app):
    from tacenter.extensions import db

    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


SECRET_RE = re.compile(r"data-totp-secret>([A-Z2-7]+)<")


def current_totp_code(email: str) -> str:
    """The code the user's authenticator app shows now. Tests sign the same person in many
    times within 30 seconds, so the code's "already used" mark is cleared first (refusing a
    reused code is tested in test_two_factor.py)."""
    import pyotp
    from sqlalchemy import select, update

    from tacenter.accounts.models import User
    from tacenter.extensions import db
    from tacenter.twofactor.crypto import decrypt
    from tacenter.twofactor.models import TotpCredential

    user_id = db.session.scalar(select(User.id).where(User.email == email.lower()))
    db.session.execute(update(TotpCredential).where(TotpCredential.user_id == user_id).values(last_step=None))
    db.session.commit()
    stored = select(TotpCredential.secret_encrypted).where(TotpCredential.user_id == user_id)
    return pyotp.TOTP(decrypt(db.session.scalar(stored))).now()


def _messages_of(response) -> str:
    """What a page said to its user (alerts and field errors), to name why a sign-in failed."""
    html = response.get_data(as_text=True)
    said = re.findall(r'class="usa-(?:alert__text|error-message)"[^>]*>(.*?)</', html, re.S)
    return f"{response.status_code}: " + (" | ".join(" ".join(m.split()) for m in said) or html[:2000])


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = "correct horse battery"):
        """Sign in with the password and, where the account has or needs one, the second
        factor (an account that must enrol sets up an authenticator app)."""
        token = csrf_token(self.client, "/login")
        response = self.client.post(
            "/login", data={"email": user.email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, _messages_of(response)
        location = response.headers["Location"]
        if location.endswith("/login/second-factor"):
            code = current_totp_code(user.email)
            response = self.post("/login/second-factor", {"code": code})
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        elif location.endswith("/login/enrol"):
            import pyotp

            page = self.client.get("/login/enrol").get_data(as_text=True)
            code = pyotp.TOTP(SECRET_RE.search(page).group(1)).now()
            token = CSRF_RE.search(page).group(1)
            shown = self.client.post("/login/enrol", data={"code": code, "csrf_token": token})
            assert shown.status_code == 200 and "data-recovery-codes" in shown.get_data(as_text=True)
        return response

    def post(self, path: str, data: dict, *, form_page: str | None = None, **kwargs):
        token = csrf_token(self.client, form_page or path)
        return self.client.post(path, data={**data, "csrf_token": token}, **kwargs)

    def logout(self):
        return self.post("/logout", {}, form_page="/requests")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def smtp_sink():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def worker(smtp_sink, tmp_path):
    """A real Celery worker (with beat) on Redis, delivering to `smtp_sink`."""
    flush_redis()
    process = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "worker").start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    from tests.browser import LiveServer

    with LiveServer(app) as server:
        yield server


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user) -> a signed-in Playwright page in its own browser context."""
    contexts = []

    def open_page(user=None, password="correct horse battery"):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/login")
            page.get_by_label("Email address").fill(user.email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            if "/login/second-factor" in page.url:
                page.get_by_label("Code").fill(current_totp_code(user.email))
                page.get_by_role("button", name="Continue").click()
            page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()
