"""SQL statements issued by one request to each page, counted in-process (Flask test client).

python -m bench.query_counts '<json: {"pages": [[name, method, path, email]], "form": "..."}>'
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


def count(app, engine, name, method, path, email, form_template) -> int | None:
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": email, "password": "demo-password", "csrf_token": token})
    form = {}
    if method == "POST":
        form = dict(
            urllib.parse.parse_qsl(form_template.replace("{TOKEN}", f"count-{time.time_ns()}"), keep_blank_values=True)
        )
        form["csrf_token"] = TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    if client.open(path, method=method, data=form).status_code == 404:
        return None
    if method == "POST":
        form["submission_token"] = f"count-{time.time_ns()}"
    with StatementCounter(engine) as counter:
        client.open(path, method=method, data=form)
    return counter.count


def main() -> None:
    spec = json.loads(sys.argv[1])
    app = create_app()
    with app.app_context():
        engine = db.engine
    print(
        json.dumps(
            {
                name: count(app, engine, name, method, path, email, spec["form"])
                for name, method, path, email in spec["pages"]
            }
        )
    )


if __name__ == "__main__":
    main()
