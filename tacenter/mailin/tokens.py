"""Reply-to addresses that say which request and which person an emailed reply belongs to.

`ta+r12.34.<signature>@center.example`: kind (`r` a reply, `n` an internal note), request id,
user id, and an HMAC of the three under the app's secret, so nobody can forge an address for a
request or a person. Lower case and short: mail systems may fold case, and a local part is at
most 64 characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from email.utils import getaddresses

from flask import current_app

KINDS = {"r": "reply", "n": "note"}
TOKEN_RE = re.compile(r"^([rn])(\d{1,12})\.(\d{1,12})\.([a-z2-7]{16})$")


@dataclass(frozen=True)
class AddressToken:
    kind: str  # "reply" or "note"
    ta_request_id: int
    user_id: int


def _signature(kind: str, ta_request_id: int, user_id: int) -> str:
    key = hashlib.sha256(b"tacenter.mailin.reply-to:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, f"{kind}:{ta_request_id}:{user_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def _base() -> tuple[str, str]:
    local, _, domain = current_app.config["MAIL_IN_ADDRESS"].rpartition("@")
    return local.lower(), domain.lower()


def reply_address(ta_request_id: int, user_id: int, *, kind: str = "reply") -> str:
    """The address a reply by this person about this request is sent to."""
    code = {"reply": "r", "note": "n"}[kind]
    local, domain = _base()
    token = f"{code}{ta_request_id}.{user_id}.{_signature(code, ta_request_id, user_id)}"
    return f"{local}+{token}@{domain}"


def read_token(address: str) -> AddressToken | None:
    """The token of one of our reply addresses, or None (another address, or a forged token)."""
    local, domain = _base()
    name, _, host = address.strip().lower().rpartition("@")
    base, plus, token = name.partition("+")
    if host != domain or base != local or not plus:
        return None
    match = TOKEN_RE.match(token)
    if not match:
        return None
    code, ta_request_id, user_id, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(code, int(ta_request_id), int(user_id))):
        return None
    return AddressToken(KINDS[code], int(ta_request_id), int(user_id))


def is_center_address(address: str) -> bool:
    """The center's own address, with or without a token."""
    local, domain = _base()
    name, _, host = address.strip().lower().rpartition("@")
    return host == domain and name.partition("+")[0] == local


def find_token(*header_values: str) -> tuple[AddressToken | None, bool]:
    """(the first valid token among these recipients, whether any recipient had a token at all).

    A token that is present but fails its signature is reported, so the mail is sorted by a
    person rather than taken as a new request."""
    tokened = False
    for _, address in getaddresses([v for v in header_values if v]):
        if "+" in address.partition("@")[0] and is_center_address(address):
            tokened = True
            found = read_token(address)
            if found:
                return found, True
    return None, tokened
