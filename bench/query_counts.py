"""SQL statements issued by one request to each page, counted in-process (Flask test client).

python -m bench.query_counts '<json: {"pages": [[name, method, path, email]], "form": "...",
                                      "cookies": {email: "name=value"}}>'
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.parse

from tacenter import create_app
from tacenter.db import StatementCounter
from tacenter.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


BIG_TABLES = {"ta_request", "ta_activity", "message", "stage_change", "notification", "ta_request_topic"}


def plan_notes(engine, counter: StatementCounter) -> list[str]:
    """PostgreSQL's plan for each SELECT a page sent: its estimated rows read, and any
    sequential scan of a table that grows with the center's history."""
    notes = []
    with engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        # A scan of a table of a few hundred rows is the right plan; only big ones matter.
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        big = {name for name, rows in cursor.fetchall() if name in BIG_TABLES and rows > 10_000}
        for statement, parameters in zip(counter.statements, counter.parameters, strict=True):
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0][0]["Plan"]
            scans = sorted(
                {node["Relation Name"] for node in _nodes(plan) if node["Node Type"] == "Seq Scan"} & big
            )
            if scans:
                notes.append(
                    f"seq scan of {', '.join(scans)} (cost {plan['Total Cost']:.0f}): {statement[:90]}"
                )
    return notes


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def api_token(app, email: str) -> str:
    """A read-only personal access token of this demo user (the API takes no cookie)."""
    from tacenter.accounts.services import find_user_by_email
    from tacenter.api.tokens import create_token

    with app.app_context():
        return create_token("bench", "read", 1, actor=find_user_by_email(email))[1]


def count(app, engine, name, method, path, email, form_template) -> int | None:
    client = app.test_client()
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {api_token(app, email)}"}
        if client.open(path, method=method, headers=headers).status_code == 404:
            return None
        with StatementCounter(engine) as counter:
            client.open(path, method=method, headers=headers)
        return counter.count
    # The session bench/signin.py made on the template (a second-factor code is good only once).
    client = app.test_client()
    client.set_cookie(*COOKIES[email].split("=", 1))
    form = {}
    if method == "POST":
        form = dict(
            urllib.parse.parse_qsl(
                form_template.replace("{TOKEN}", f"count-{time.time_ns()}"), keep_blank_values=True
            )
        )
        form["csrf_token"] = TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    if client.open(path, method=method, data=form).status_code == 404:
        return None
    if method == "POST":
        form["submission_token"] = f"count-{time.time_ns()}"
    with StatementCounter(engine) as counter:
        client.open(path, method=method, data=form)
    if engine.dialect.name == "postgresql":
        PLANS[name] = plan_notes(engine, counter)
    return counter.count


PLANS: dict[str, list[str]] = {}
COOKIES: dict[str, str] = {}


def main() -> None:
    spec = json.loads(sys.argv[1])
    COOKIES.update(spec["cookies"])
    app = create_app()
    with app.app_context():
        engine = db.engine
    counts = {
        name: count(app, engine, name, method, path, email, spec["form"])
        for name, method, path, email in spec["pages"]
    }
    print(json.dumps({"counts": counts, "plans": PLANS}))


if __name__ == "__main__":
    main()
