import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tacenter.accounts.models import Organization, User
from tacenter.accounts.passwords import verify_password
from tacenter.group_ta.models import CollaborativeMember
from tacenter.intake.models import TARequest
from tacenter.workflow.models import StageChange

REPO = Path(__file__).resolve().parent.parent


def test_create_user_reads_the_password_from_stdin_and_creates_the_organization(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Kim@Example.org",
            "--name",
            "Kim Lee",
            "--role",
            "requester",
            "--org",
            "Idaho Home Visiting",
            "--org-state",
            "ID",
            "--password-stdin",
        ],
        input="a long passphrase here\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.email == "kim@example.org"))
    assert user.organization.name == "Idaho Home Visiting" and user.organization.state == "ID"
    assert verify_password(user.password_hash, "a long passphrase here")


def test_create_user_refuses_a_short_password_and_a_duplicate(app, db_session):
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "x@example.org", "--name", "X", "--role", "staff", "--password-stdin"]
    assert "at least 8" in runner.invoke(args=args, input="short\n").output
    assert runner.invoke(args=args, input="long enough!\n").exit_code == 0
    assert "already exists" in runner.invoke(args=args, input="long enough!\n").output


def test_seed_demo_is_idempotent_and_consistent(app, db_session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--requests", "30"]).exit_code == 0
    assert runner.invoke(args=["seed-demo", "--requests", "30"]).exit_code == 0
    # The 30 asked for, plus one per collaborative member (each member's own request).
    members = db_session.scalar(select(func.count()).select_from(CollaborativeMember))
    assert members > 0
    assert db_session.scalar(select(func.count()).select_from(TARequest)) == 30 + members
    assert db_session.scalar(select(func.count()).select_from(Organization)) == 8
    roles = set(db_session.scalars(select(User.role)))
    assert roles == {"requester", "staff", "lead", "leadership", "admin"}
    # Each request's last recorded stage is its stage.
    for ta_request in db_session.scalars(select(TARequest)):
        last = db_session.scalar(
            select(StageChange.to_stage)
            .where(StageChange.ta_request_id == ta_request.id)
            .order_by(StageChange.id.desc())
            .limit(1)
        )
        assert last == ta_request.stage
    assert runner.invoke(args=["seed-demo", "--requests", "45"]).exit_code == 0
    assert db_session.scalar(select(func.count()).select_from(TARequest)) == 45 + members


def test_the_migrations_match_the_models(app):
    """A model change without its migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tacenter.db import render_migration_type
    from tacenter.extensions import db

    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_item": render_migration_type}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


PRODUCTION = {
    "TACENTER_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/db",
    "REDIS_URL": "redis://:a-redis-password@127.0.0.1:6379/0",
    "MAIL_SERVER": "127.0.0.1",
    "PATH": "/usr/bin:/bin",
}
STARTS = "from tacenter import create_app; create_app(); print('started')"


@pytest.mark.database_independent  # a new interpreter with its own settings: once is enough
def test_production_starts_with_safe_settings():
    ok = subprocess.run(
        [sys.executable, "-c", STARTS], cwd=REPO, env=PRODUCTION, capture_output=True, text=True
    )
    assert "started" in ok.stdout, ok.stderr


@pytest.mark.database_independent
@pytest.mark.parametrize(
    "env, problem",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "DATABASE_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://tacenter@127.0.0.1:6379/0"}, "REDIS_URL"),
        ({"REDIS_URL": "unix:///run/redis.sock"}, "REDIS_URL"),
        ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
        ({"TWO_FACTOR_ENCRYPTION_KEYS": "not-a-fernet-key"}, "TWO_FACTOR_ENCRYPTION_KEYS"),
    ],
)
def test_production_refuses_unsafe_settings(env, problem):
    """Each of these alone stops a start that test_production_starts_with_safe_settings makes."""
    bad = subprocess.run(
        [sys.executable, "-c", STARTS], cwd=REPO, env={**PRODUCTION, **env}, capture_output=True, text=True
    )
    assert bad.returncode != 0 and problem in bad.stderr


@pytest.mark.parametrize(
    "redis_url",
    ["rediss://127.0.0.1:6380/0", "redis://:s3cret@127.0.0.1:6379/0", "redis://default:s3cret@redis:6379/0"],
)
def test_production_accepts_redis_with_tls_or_a_password(redis_url):
    from config import redis_url_is_protected

    assert redis_url_is_protected(redis_url)


def test_the_broker_keeps_tls_verification_with_tacenters_redis_transport():
    """Naming tacenter's Redis transport (tacenter/broker.py) skips kombu's own default for
    rediss://, which verifies the server's certificate: the settings restore it."""
    import ssl

    from celery import Celery

    from config import _celery_settings

    cases = (
        ("rediss://redis.internal:6380/0", "redis.internal", True),
        ("redis://:s3cret@redis:6379/0", "redis", False),
    )
    for url, host, verified in cases:
        celery = Celery("check", set_as_current=False)
        celery.conf.update(_celery_settings(url, {}))
        connection = celery.connection_for_write()
        assert type(connection.transport).__module__ == "tacenter.broker"
        assert (connection.hostname, connection.virtual_host, bool(connection.ssl)) == (host, "0", verified)
        if verified:
            assert connection.ssl["ssl_cert_reqs"] == ssl.CERT_REQUIRED


@pytest.mark.database_independent
def test_production_cookies_and_headers():
    code = (
        "from tacenter import create_app; app = create_app(); c = app.test_client(); "
        "r = c.get('/login'); print(r.headers['Strict-Transport-Security']); "
        "print(r.headers['Content-Security-Policy']); print(r.headers.getlist('Set-Cookie'))"
    )
    env = {
        "TACENTER_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/db",
        "REDIS_URL": "redis://:a-redis-password@127.0.0.1:1/0",
        "MAIL_SERVER": "127.0.0.1",
        "PATH": "/usr/bin:/bin",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    assert "max-age=31536000; includeSubDomains" in out.stdout, out.stderr
    assert "object-src 'none'" in out.stdout and "frame-ancestors 'none'" in out.stdout
    cookie = out.stdout.splitlines()[2]
    assert "__Host-session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
