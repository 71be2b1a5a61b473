"""TOTP secrets are encrypted at rest (Fernet, a key from the settings or derived from
SECRET_KEY): the table holds no base32 secret, rows written before are encrypted by the
migration (and given back by its downgrade), and a new key can replace the old one."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from tacenter.accounts.models import User
from tacenter.db import utcnow
from tacenter.twofactor import crypto, services
from tests.factories import UserFactory

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
BEFORE = "r20261201_api_tokens_webhooks"
BASE32 = re.compile(r"[A-Z2-7]{16,}")


def _stored(db_session) -> list[str]:
    db_session.remove()
    with db_session.get_bind().connect() as conn:
        return list(conn.execute(text("SELECT secret_encrypted FROM totp_credential ORDER BY id")).scalars())


def test_the_column_holds_no_base32_secret_and_codes_still_work(db_session):
    user = UserFactory(role="staff")
    user_id, secret = user.id, services.new_totp_secret()
    past = utcnow() - timedelta(minutes=2)  # its code then; the code of now stays unused
    services.enrol_totp(user, secret, pyotp.TOTP(secret).at(past), now=past)
    [stored] = _stored(db_session)
    assert secret not in stored and not BASE32.search(stored)
    assert crypto.decrypt(stored) == secret
    # Another application key cannot read it.
    other = {"SECRET_KEY": "another-secret-key-of-another-deployment-0123456789"}
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(stored, other)
    assert services.check_totp(db_session.get(User, user_id), pyotp.TOTP(secret).now())


def test_rows_written_in_clear_are_encrypted_by_the_migration_and_back(db_session):
    from flask_migrate import downgrade, upgrade

    user = UserFactory(role="staff")
    db_session.remove()
    downgrade(directory=MIGRATIONS, revision=BEFORE)
    try:
        with db_session.get_bind().begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO totp_credential (user_id, secret, created_at) "
                    "VALUES (:u, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', CURRENT_TIMESTAMP)"
                ),
                {"u": user.id},
            )
    finally:
        upgrade(directory=MIGRATIONS)
    [stored] = _stored(db_session)
    assert "JBSWY3DP" not in stored and crypto.decrypt(stored) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    downgrade(directory=MIGRATIONS, revision=BEFORE)
    try:
        with db_session.get_bind().connect() as conn:
            back = conn.execute(text("SELECT secret FROM totp_credential")).scalar_one()
    finally:
        upgrade(directory=MIGRATIONS)
    assert back == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_new_key_takes_over_after_rotation(app, db_session, monkeypatch):
    user_id = UserFactory(role="lead").id  # its authenticator app, under the key from SECRET_KEY
    [before] = _stored(db_session)
    secret = crypto.decrypt(before)
    new_key = Fernet.generate_key().decode()
    old_key = crypto.derived_key(app.config["SECRET_KEY"]).decode()
    monkeypatch.setitem(app.config, "TWO_FACTOR_ENCRYPTION_KEYS", f"{new_key},{old_key}")
    assert services.rotate_encryption_key() == 1
    [after] = _stored(db_session)
    assert after != before and Fernet(new_key.encode()).decrypt(after.encode()).decode() == secret
    monkeypatch.setitem(app.config, "TWO_FACTOR_ENCRYPTION_KEYS", new_key)  # the old key dropped
    assert services.check_totp(db_session.get(User, user_id), pyotp.TOTP(secret).now())
