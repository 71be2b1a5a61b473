"""Page benchmark: seed a realistic center, serve it with gunicorn, drive it with wrk, fairly.

    .venv/bin/python bench/pages.py [--db sqlite,postgresql] [--requests 50000] [--years 5] [--duration 5]

For each database it seeds a template (50,000 requests over 5 years, 200 organizations, 40 staff
by default) and serves a copy of it with gunicorn (2 sync workers, 127.0.0.1 only), beside a bare
Flask "ceiling" app whose routes have the same SQL shape (bench/ceiling_app.py). Each page runs
interleaved with its ceiling route, round by round (page, ceiling, page, ceiling, ...; 3 rounds),
and the table gives the median and range of req/s and of server CPU ms per answer (user + sys of
the gunicorn processes / answers). Before a round, if anything was written since the last reset
(a submit, the ceiling's insert), the database is reset from the template, so every round sees
the same data. Heavy pages (dashboard, reports) run at low concurrency with a timeout longer
than their slowest answer, so a slow answer is a figure, not an error. After each submit round
it checks that every accepted POST made exactly one request. Everything listens on loopback.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.prepare import (  # noqa: E402
    BIN,
    CEILING_FORM,
    PAGES,
    SUBMIT_FORM,
    bench_rows,
    query_counts,
    seed,
    sign_in_on_template,
)  # fmt: skip
from bench.servers import REPO, Database, cpu_seconds, free_port, rss_mb, start, stop, wrk  # noqa: E402
from bench.table import machine, print_markdown, print_table  # noqa: E402


class Servers:
    """tacenter and the ceiling app on one database copy; restarted around each reset."""

    def __init__(self, db: Database, env: dict, args, workdir: Path, sessions: dict):
        self.db, self.env, self.args, self.workdir = db, env, args, workdir
        self.sessions = sessions
        self.port = args.port or free_port()
        self.ceiling_port = args.ceiling_port or free_port()
        self.app = self.ceiling = None
        self.dirty = True
        self.refreshed = False

    def fresh(self) -> None:
        """Stop, reset the database from the template if anything wrote, start, sign in."""
        if not self.dirty and self.app:
            return
        self.stop()
        self.db.reset()
        gunicorn = [str(BIN / "gunicorn"), "-w", str(self.args.workers)]
        self.app = start([*gunicorn, "-b", f"127.0.0.1:{self.port}", "tacenter:create_app()"],
                         self.env, self.port, self.workdir / "gunicorn.log", "/healthz")  # fmt: skip
        self.ceiling = start([*gunicorn, "-b", f"127.0.0.1:{self.ceiling_port}", "bench.ceiling_app:app"],
                             {**self.env, "PYTHONPATH": str(REPO)}, self.ceiling_port,
                             self.workdir / "ceiling.log", "/aggregate")  # fmt: skip
        self.dirty = False

    def refresh_snapshots(self, kind: str) -> None:
        """What the worker does every few minutes where the app keeps report snapshots."""
        flask = [str(BIN / "flask"), "--app", "tacenter", "reports", "refresh"]
        found = subprocess.run(flask, env=self.env, cwd=REPO, capture_output=True, text=True)
        if found.returncode == 0 and not self.refreshed:
            print(f"[{kind}] the worker's snapshot refresh: " + found.stdout.replace("\n", "; "), flush=True)
            self.refreshed = True

    def stop(self) -> None:
        for proc in (self.app, self.ceiling):
            if proc:
                stop(proc)
        self.app = self.ceiling = None

    def measure(self, proc, url: str, method: str, cookie: str, token: str, form: str, heavy: bool) -> dict:
        a = self.args
        if a.warmup:  # a fresh worker's first answers compile templates and fill caches
            wrk(url, method=method, cookie=cookie, token=token, form=form, connections=2, threads=1,
                duration=a.warmup, timeout=a.heavy_timeout)  # fmt: skip
        # Rows already made (the warmup's submits too), so "made" counts only the measured run's.
        made_before = bench_rows(self.db.url) if method == "POST" else 0
        before = cpu_seconds(proc)
        result = wrk(url, method=method, cookie=cookie, token=token, form=form,
                     connections=a.heavy_connections if heavy else a.connections, threads=a.threads,
                     duration=a.duration, timeout=a.heavy_timeout if heavy else 5)  # fmt: skip
        time.sleep(0.3)  # answers in flight when wrk stopped finish, and are counted as work
        cpu = cpu_seconds(proc) - before
        result["rps"] = result["requests"] / result["seconds"]
        result["cpu_ms"] = 1000 * cpu / max(result["ok"] + result["bad"], 1)
        result["made_before"] = made_before
        return result


def run(kind: str, args) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix=f"tacenter-bench-{kind}-"))
    kept = f"{args.requests}r{args.years:g}y" if args.keep_template else ""
    db = Database(kind, workdir, args.postgres_url, args.prefix, kept)
    env = {
        **os.environ,
        "TACENTER_INSTANCE": str(workdir),
        "FLASK_DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "REDIS_URL": args.redis_url,
        "LOGIN_LIMIT": "100000 per minute",
        # The roles sign in once, on the template; a run on a slow machine outlasts the 30
        # idle minutes between a role's sign-in and its pages (leadership's come last).
        "SESSION_IDLE_MINUTES": "1440",
        "API_RATE_LIMIT": "1000000/minute",  # one token makes every API call of the run
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    rows: list[dict] = []
    servers = None
    try:
        seed(kind, db, env, args)
        sessions, ids = sign_in_on_template(env, db.template_url)
        if kind == "postgresql":  # CREATE DATABASE ... TEMPLATE wants no one connected to it
            db.admin.dispose()
        env["DATABASE_URL"] = db.url
        db.reset()
        engine = sa.create_engine(db.url)
        with engine.connect() as conn:
            reference = conn.execute(
                sa.text("SELECT reference FROM ta_request ORDER BY id DESC LIMIT 1")
            ).scalar()
        # Counted as served: with the worker's report snapshots in place, where the app keeps them.
        refresh = [str(BIN / "flask"), "--app", "tacenter", "reports", "refresh"]
        subprocess.run(refresh, env=env, cwd=REPO, capture_output=True)
        ids["reference"] = reference
        counts = query_counts(env, ids, sessions)
        engine.dispose()
        servers = Servers(db, env, args, workdir, sessions)
        for name, method, path, role, shape, heavy in PAGES:
            if args.pages and not any(word in name for word in args.pages.split(",")):
                continue
            if counts.get(name) is None:
                rows.append({"db": kind, "page": name, "absent": True})
                continue
            row = {"db": kind, "page": name, "queries": counts[name], "ceiling": shape, "rounds": [],
                   "method": method, "heavy": heavy}  # fmt: skip
            for _ in range(args.rounds):
                servers.fresh()
                if heavy:
                    servers.refresh_snapshots(kind)
                session = servers.sessions[role]
                url = f"http://127.0.0.1:{servers.port}" + path.format(**ids)
                page = servers.measure(
                    servers.app, url, method, session.cookie, session.token, SUBMIT_FORM, heavy
                )
                if method == "POST":
                    time.sleep(1)
                    page["rows_created"] = bench_rows(db.url) - page["made_before"]
                    answers = page["ok"] + page["bad"]
                    if page["rows_created"] < answers - args.connections:  # refused or lost: say so
                        sys.exit(f"[{kind}] {name}: {answers} answers, {page['rows_created']} requests made")
                    # The POSTs in flight when wrk stopped were served too: CPU per request made.
                    page["cpu_ms"] *= (page["ok"] + page["bad"]) / max(page["rows_created"], 1)
                    servers.dirty = True
                ceiling_url = f"http://127.0.0.1:{servers.ceiling_port}{shape}"
                ceiling_method = "POST" if shape == "/insert" else "GET"
                ceil = servers.measure(
                    servers.ceiling, ceiling_url, ceiling_method, "", "", CEILING_FORM, heavy
                )
                servers.dirty |= ceiling_method == "POST"
                row["rounds"].append((page, ceil))
                print(f"[{kind}] {name}: {page['rps']:.0f} req/s {page['cpu_ms']:.2f} ms CPU; "
                      f"{shape} {ceil['rps']:.0f} req/s {ceil['cpu_ms']:.2f} ms CPU", flush=True)  # fmt: skip
            rows.append(row)
        if servers.app:
            rows.append({"db": kind, "page": "gunicorn worker RSS (MB)", "rss": rss_mb(servers.app)})
    finally:
        if servers:
            servers.stop()
        db.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument(
        "--years", type=float, default=5, help="years of history (open requests: the last 60 days)"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (a page or its ceiling)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="seconds of unmeasured load before each run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--heavy-connections", type=int, default=2, help="dashboard and reports")
    parser.add_argument(
        "--heavy-timeout", type=int, default=30, help="seconds; longer than the slowest answer"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="tacenter's port (0: a free one)")
    parser.add_argument("--ceiling-port", type=int, default=0, help="the ceiling app's port (0: a free one)")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="an admin connection to the PostgreSQL server to bench on")  # fmt: skip
    parser.add_argument(
        "--prefix", default="tacenter_bench", help="PostgreSQL databases made are named PREFIX_*"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--pages", default="", help="only pages whose name contains one of these words")
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    parser.add_argument("--keep-template", action="store_true",
                        help="keep the seeded template (per size) and reuse it in later runs")  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    rows = []
    for kind in args.db.split(","):
        rows += run(kind, args)
    postgres = ""
    if "postgresql" in args.db:
        with sa.create_engine(args.postgres_url).connect() as conn:
            postgres = conn.execute(sa.text("SHOW server_version")).scalar().split()[0]
    print()
    print(f"{args.requests:,} requests over {args.years:g} years. {machine(postgres)}")
    print_table(rows, args)
    if args.markdown:
        print()
        print_markdown(rows)


if __name__ == "__main__":
    main()
