"""Where a page's time goes: time it in-process and profile it with pyinstrument.

    DATABASE_URL=... .venv/bin/python -m bench.profile_page /queue --as staff@demo.tacenter.org [-n 200]
    DATABASE_URL=... .venv/bin/python -m bench.profile_page /requests/new --post --as requester@...
    DATABASE_URL=... .venv/bin/python -m bench.profile_page /api/v1/requests --token --as staff@...

Runs against a seeded database (bench/pages.py --keep leaves one), signs in with the demo
password, warms up, then serves the page n times through the Flask test client and prints
milliseconds per request, SQL statements per request and pyinstrument's call tree. No HTTP
server or load generator is involved, so the figures are the app's own cost per request.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import time
import urllib.parse

from pyinstrument import Profiler

from bench.prepare import SUBMIT_FORM
from bench.signin import api_tokens, sign_in
from tacenter import create_app
from tacenter.db import StatementCounter
from tacenter.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="email", default="staff@demo.tacenter.org")
    parser.add_argument("--post", action="store_true", help="submit the request form (a new token each time)")
    parser.add_argument("--token", action="store_true", help="an API path: a read-only token, not a session")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--tree", action="store_true", help="print the pyinstrument call tree")
    args = parser.parse_args()

    app = create_app()
    client = app.test_client()
    if args.token:  # the JSON API reads a bearer token, as the bench sends it
        client.environ_base["HTTP_AUTHORIZATION"] = api_tokens(app, [args.email])[args.email]["cookie"]
    sign_in(client, args.email)  # with the second factor where the role needs one
    csrf = TOKEN.search(client.get("/requests/new").get_data(as_text=True)).group(1)
    # Each POST flashes a message into the cookie session and its redirect is never followed:
    # put the signed-in cookie back after each one, as wrk resends the same cookie, or the
    # growing session would be measured instead of the page.
    cookie = client.get_cookie("session")
    stamp = time.time_ns()

    def hit(i: int) -> int:
        if not args.post:
            return client.get(args.path).status_code
        form = dict(urllib.parse.parse_qsl(SUBMIT_FORM.replace("{TOKEN}", f"profile-{stamp}-{i}")))
        status = client.post(args.path, data={**form, "csrf_token": csrf}).status_code
        if cookie is not None:
            client.set_cookie(cookie.key, cookie.value)
        return status

    for i in range(10):
        status = hit(-i - 1)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        hit(-100)
    profiler = Profiler(interval=0.0005)
    started, cpu = time.perf_counter(), time.process_time()
    with profiler if args.tree else contextlib.nullcontext():
        for i in range(args.n):
            hit(i)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    profiled = " (with the profiler's own)" if args.tree else ""
    print(
        f"{args.path}: status {status}, {elapsed / args.n * 1000:.2f} ms/request, "
        f"{cpu / args.n * 1000:.2f} ms CPU/request{profiled} "
        f"({args.n / elapsed:.0f}/s in one process), {counter.count} SQL statements"
    )
    if args.tree:
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
