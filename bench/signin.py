"""The bench's demo users, signed in once, second factor included.

Leads, leadership and admins must pass a second factor (the demo gives each the same TOTP
secret), and a code is good once per user, so the bench cannot sign them in again on every
database reset. Instead it signs every role in once, in process, on the template database the
resets copy: the sessions are rows of that template, so each reset brings them back, and the
cookies stay good for the whole run (the same SECRET_KEY).

The JSON API takes no cookie: for it, a read-only token is made on the template the same way,
and its "cookie" is the Authorization header's value (bench/load.lua sends it as that header).

    python -m bench.signin '<json: {"sessions": [email, ...], "tokens": [email, ...], "import_by": email}>'
        -> {"sessions": {email: {"cookie": ..., "csrf": ...}}, "tokens": {email: {...}}, "import_job": id}

The import preview page needs a file the app has checked: made on the template the same way.
"""

from __future__ import annotations

import json
import re
import sys

import pyotp

from tacenter.demo.identity import DEMO_TOTP_SECRET

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# bench/load.lua sends this User-Agent: a browser signs in and browses with its own, and
# Flask-Login's session protection marks a session not fresh, rewriting its cookie on every
# answer, when the agent differs from the sign-in's (the test client's own is "Werkzeug/...").
USER_AGENT = "tacenter-bench"
PASSWORD = "demo-password"  # noqa: S105 (the demo's published password, README)  # pragma: allowlist secret


def csrf(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, email: str) -> None:
    """Password, then the TOTP code when the app asks for one; raises if still not signed in."""
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/login")}
    answer = client.post("/login", data=data)
    if "/login/second-factor" in answer.headers.get("Location", ""):
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        token = csrf(client, "/login/second-factor")
        answer = client.post("/login/second-factor", data={"code": code, "csrf_token": token})
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        where = answer.headers.get("Location")
        raise RuntimeError(f"{email} could not sign in ({answer.status_code} {where})")


def sessions(app, emails: list[str]) -> dict[str, dict[str, str]]:
    """Each email signed in: its Cookie header and a CSRF token of that session."""
    found = {}
    for email in emails:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        sign_in(client, email)
        token = csrf(client, "/requests")  # may start the session's CSRF secret: the cookie after it
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        found[email] = {"cookie": f"{cookie.key}={cookie.value}", "csrf": token}
    return found


def api_tokens(app, emails: list[str]) -> dict[str, dict[str, str]]:
    """A read-only personal access token of each email, as a bench session."""
    from tacenter.accounts.services import find_user_by_email
    from tacenter.api.tokens import create_token

    with app.app_context():
        made = {e: create_token("bench", "read", 30, actor=find_user_by_email(e))[1] for e in emails}
    return {email: {"cookie": f"Bearer {secret}", "csrf": ""} for email, secret in made.items()}


def import_preview(app, email: str, rows: int = 2_000) -> int:
    """An organizations file the app has checked (small enough to be checked on upload, as the
    worker would check a larger one), one row in ten with a problem: the preview page's job."""
    import csv
    import io

    from tacenter.accounts.services import find_user_by_email
    from tacenter.records.columns import KINDS
    from tacenter.records.services import start_import

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=KINDS["organizations"].names)
    writer.writeheader()
    for n in range(rows):
        state = "ZZ" if n % 10 == 0 else "NM"  # ZZ: no such state, a problem the preview lists
        row = {"external_id": f"B-{n}", "name": f"Bench grantee {n}", "org_type": "state_agency"}
        writer.writerow(row | {"state": state})
    with app.app_context():
        upload = io.BytesIO(out.getvalue().encode())
        return start_import("organizations", "roster.csv", upload, actor=find_user_by_email(email)).id


def rekey_second_factors(app) -> None:
    """The demo's authenticator secrets, encrypted with this run's SECRET_KEY: a template kept
    from an earlier run (--keep-template) holds them under that run's key."""
    from sqlalchemy import delete, select

    from tacenter.accounts.models import User
    from tacenter.demo.identity import seed_two_factor
    from tacenter.extensions import db
    from tacenter.twofactor.models import TotpCredential

    with app.app_context():
        demo = select(User.id).where(User.email.like("%@demo.tacenter.org"))
        db.session.execute(delete(TotpCredential).where(TotpCredential.user_id.in_(demo)))
        seed_two_factor()  # commits


if __name__ == "__main__":
    from tacenter import create_app

    app, wanted = create_app(), json.loads(sys.argv[1])
    rekey_second_factors(app)
    found = {"sessions": sessions(app, wanted["sessions"]), "tokens": api_tokens(app, wanted["tokens"])}
    if wanted.get("import_by"):
        found["import_job"] = import_preview(app, wanted["import_by"])
    print(json.dumps(found))
