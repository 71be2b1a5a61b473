"""Unused accounts: warned by email once, deactivated once after the notice, sessions ended."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tacenter.accounts import lifecycle
from tacenter.accounts.models import LoginSession, User
from tacenter.accounts.services import reactivate_user, start_session
from tacenter.audit.models import AuditEvent
from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tests.conftest import DATABASE_URL
from tests.factories import RequesterFactory, UserFactory
from tests.services import WorkerProcess, flush_redis

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def _warnings(user) -> list[EmailOutbox]:
    return db.session.scalars(
        select(EmailOutbox).where(
            EmailOutbox.to_address == user.email, EmailOutbox.kind == "account_inactive"
        )
    ).all()


def test_an_unused_account_is_warned_once_then_deactivated_once_and_signed_out(db_session):
    requester = RequesterFactory(created_at=day(-30))
    start_session(requester, now=day(0))  # signed in at T0, never again
    UserFactory(role="admin", created_at=day(70))  # a recent admin, untouched throughout
    assert lifecycle.sweep_inactive_accounts(now=day(75)) == {"warned": 0, "deactivated": 0}
    assert lifecycle.sweep_inactive_accounts(now=day(77))["warned"] == 1
    assert lifecycle.sweep_inactive_accounts(now=day(78)) == {"warned": 0, "deactivated": 0}
    [warning] = _warnings(requester)
    assert "Jun 1, 2026" in warning.text_body  # 90 days after the last sign-in, in the center's date style
    # Past 90 days, but the warning went out only 13.5 days ago: the notice is kept.
    assert lifecycle.sweep_inactive_accounts(now=day(90.5))["deactivated"] == 0
    assert lifecycle.sweep_inactive_accounts(now=day(91.1))["deactivated"] == 1
    assert lifecycle.sweep_inactive_accounts(now=day(92)) == {"warned": 0, "deactivated": 0}
    db.session.expire_all()
    assert db.session.get(User, requester.id).active is False
    assert db.session.scalar(select(func.count()).where(LoginSession.user_id == requester.id)) == 0
    assert (_events("inactivity_warned"), _events("user_deactivated"), len(_warnings(requester))) == (1, 1, 1)


def test_signing_in_after_the_warning_keeps_the_account(db_session):
    requester = RequesterFactory(created_at=day(-30))
    start_session(requester, now=day(0))
    lifecycle.sweep_inactive_accounts(now=day(77))
    start_session(requester, now=day(80))
    assert lifecycle.sweep_inactive_accounts(now=day(95)) == {"warned": 0, "deactivated": 0}
    assert lifecycle.sweep_inactive_accounts(now=day(157))["warned"] == 1  # a new warning, 77 days on
    assert db.session.get(User, requester.id).active is True


def test_the_last_active_admin_is_never_deactivated(db_session):
    admin = UserFactory(role="admin", created_at=day(0))
    lifecycle.sweep_inactive_accounts(now=day(77))
    assert lifecycle.sweep_inactive_accounts(now=day(120))["deactivated"] == 0
    assert db.session.get(User, admin.id).active is True


def test_an_admin_reactivates_a_deactivated_account_and_the_clock_restarts(db_session):
    admin = UserFactory(role="admin")
    requester = RequesterFactory(created_at=day(0))
    lifecycle.sweep_inactive_accounts(now=day(77))
    lifecycle.sweep_inactive_accounts(now=day(92))
    assert db.session.get(User, requester.id).active is False
    reactivate_user(requester.id, actor=admin)
    assert db.session.get(User, requester.id).active is True
    assert _events("user_reactivated") == 1
    assert lifecycle.sweep_inactive_accounts() == {"warned": 0, "deactivated": 0}


def test_the_worker_sweeps_unused_accounts_on_its_own(db_session, smtp_sink, tmp_path):
    from tacenter.db import utcnow

    now = utcnow()
    quiet = RequesterFactory(created_at=now - timedelta(days=80))
    long_gone = RequesterFactory(created_at=now - timedelta(days=120))
    long_gone.inactivity_warned_at = now - timedelta(days=20)
    db.session.commit()
    flush_redis()
    process = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "worker", extra_env={"ACCOUNT_SWEEP_SECONDS": "1"}
    ).start()
    try:
        assert smtp_sink.wait_for(lambda m: quiet.email in m["To"], timeout=60)
        deadline = time.monotonic() + 30
        while (
            db.session.scalar(select(User.active).where(User.id == long_gone.id))
            and time.monotonic() < deadline
        ):
            db.session.rollback()
            time.sleep(0.2)
    finally:
        process.stop()
    db.session.expire_all()
    assert db.session.get(User, long_gone.id).active is False
    assert db.session.get(User, quiet.id).active is True
