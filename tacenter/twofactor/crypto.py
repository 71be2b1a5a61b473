"""Secrets kept encrypted at rest with an application key: TOTP secrets (a database copy or
backup alone cannot make anyone's codes) and recovery codes on their way to the one page
that shows them.

Fernet (AES-128-CBC + HMAC-SHA256) through MultiFernet: `TWO_FACTOR_ENCRYPTION_KEYS` lists
Fernet keys, newest first; the first encrypts, all decrypt (rotation: put a new key first,
run `flask --app tacenter two-factor-rotate-keys`, then drop the old one). Without the
setting, the key is derived from SECRET_KEY with HKDF-SHA256 (and from each of
SECRET_KEY_FALLBACKS, to decrypt only).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "encrypt", "fernet"]

INFO = b"tacenter two-factor secrets at rest"


def derived_key(secret_key: str) -> bytes:
    """A Fernet key from the app's SECRET_KEY (HKDF-SHA256, its own `info`: the key signs
    nothing else)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def keys(config: Mapping) -> list[bytes]:
    configured = config.get("TWO_FACTOR_ENCRYPTION_KEYS") or ""
    if isinstance(configured, str):
        configured = configured.split(",")
    listed = [key.strip().encode() for key in configured if key and key.strip()]
    if listed:
        return listed
    fallbacks = config.get("SECRET_KEY_FALLBACKS") or []
    return [derived_key(config["SECRET_KEY"])] + [derived_key(key) for key in fallbacks]


def fernet(config: Mapping | None = None) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys(config if config is not None else current_app.config)])


def encrypt(text: str, config: Mapping | None = None) -> str:
    return fernet(config).encrypt(text.encode()).decode()


def decrypt(token: str, config: Mapping | None = None, *, ttl: int | None = None) -> str:
    """The text; InvalidToken if it was not made by one of the keys (or is older than ttl)."""
    multi = fernet(config)
    return (multi.decrypt(token.encode(), ttl=ttl) if ttl else multi.decrypt(token.encode())).decode()
