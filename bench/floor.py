"""The floor under submit: what a signed-in, CSRF-checked POST costs in tacenter's stack before
the request is written, beside the ceiling app's bare insert, in one process.

    DATABASE_URL=... .venv/bin/python -m bench.floor [-n 1000]

Against a seeded database (as bench/profile_page.py). Each line is CPU ms per POST through the
Flask test client, and its ratio to the ceiling's insert measured the same way:
  ceiling insert     bench/ceiling_app.py's /insert: one INSERT, a redirect
  signed-in POST     Flask-Login's session lookup, the CSRF check, a redirect: nothing written
  + request form     the same, plus building and validating the request form and flashing
  submit             the real POST /requests/new (7 statements)
Issue #21 asks submit for 2.5x the insert; the second and third lines show how much of that the
stack (Flask, Flask-Login, Flask-WTF, WTForms) spends before any row is written.
"""

from __future__ import annotations

import argparse
import time
import urllib.parse

from flask import flash, redirect
from flask_login import current_user

from bench.prepare import SUBMIT_FORM
from bench.profile_page import TOKEN
from bench.signin import sign_in


def _floor_routes(app) -> None:
    from tacenter.accounts.permissions import signed_in
    from tacenter.catalog.queries import program_choices, topic_choices
    from tacenter.formkit import options
    from tacenter.intake.forms import RequestForm
    from tacenter.registry.grants import grant_choices

    @app.post("/bench-floor/signed-in")
    @signed_in
    def signed_in_post():
        return redirect("/requests")

    @app.post("/bench-floor/form")
    @signed_in
    def form_post():
        form = RequestForm()
        form.topic_ids.choices = options(topic_choices())
        form.program_id.choices = options([("", "None")] + program_choices())
        form.grant_id.choices = options([("", "None")] + grant_choices(current_user.organization_id))
        if not form.validate_on_submit():
            raise RuntimeError(form.errors)
        flash("Thank you. Your request was received.", "success")
        return redirect("/requests")


def _cpu_ms(post, n: int) -> float:
    for i in range(20):
        post(-i - 1)
    started = time.process_time()
    for i in range(n):
        post(i)
    return (time.process_time() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--as", dest="email", default="requester@demo.tacenter.org")
    args = parser.parse_args()

    import bench.ceiling_app as ceiling
    from tacenter import create_app

    ceiling.create_table()
    bare = ceiling.app.test_client()
    app = create_app()
    _floor_routes(app)
    client = app.test_client()
    sign_in(client, args.email)
    csrf = TOKEN.search(client.get("/requests/new").get_data(as_text=True)).group(1)
    cookie = client.get_cookie("session")
    stamp = time.time_ns()

    def tacenter_post(path: str):
        def post(i: int) -> None:
            form = dict(urllib.parse.parse_qsl(SUBMIT_FORM.replace("{TOKEN}", f"floor-{stamp}-{path}-{i}")))
            answer = client.post(path, data={**form, "csrf_token": csrf})
            if answer.status_code != 302:
                raise RuntimeError(f"{path}: {answer.status_code}")
            client.set_cookie(cookie.key, cookie.value)  # as wrk resends one cookie

        return post

    insert = _cpu_ms(lambda i: bare.post("/insert", data={"title": "x", "body": str(i)}), args.n)
    print(f"{'ceiling insert':<18} {insert:6.2f} ms  1.0x")
    for name, path in (
        ("signed-in POST", "/bench-floor/signed-in"),
        ("+ request form", "/bench-floor/form"),
        ("submit", "/requests/new"),
    ):
        cost = _cpu_ms(tacenter_post(path), args.n)
        print(f"{name:<18} {cost:6.2f} ms  {cost / insert:.1f}x")


if __name__ == "__main__":
    main()
