"""Standard Webhooks signatures (standardwebhooks.com, v1): HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}` with the subscription's key, base64, sent as
`webhook-signature: v1,<signature>`. Receivers verify with any Standard Webhooks library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105  (the scheme's prefix, not a secret)  # pragma: allowlist secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "Content-Type": "application/json",
        "User-Agent": "tacenter-webhooks/1",
    }
