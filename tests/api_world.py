"""What the API tests share: tokens for every role of tests/routes.py's world."""

from __future__ import annotations

from tacenter.api.tokens import create_token


def token_for(user, scope: str = "read_write", days: int = 30) -> str:
    _, secret = create_token(f"{user.role} test token", scope, days, actor=user)
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
