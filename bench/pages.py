"""Page benchmark: seed a realistic center, serve it with gunicorn, drive it with wrk.

    .venv/bin/python bench/pages.py [--db sqlite,postgresql] [--requests 50000] [--years 5] [--duration 10]

For each database it seeds (50,000 requests over 5 years, 200 organizations, 40 staff by
default), starts gunicorn (2 workers, 127.0.0.1 only) and a bare Flask "ceiling" app with
routes of the same SQL shape (bench/ceiling_app.py), runs wrk (bench/load.lua) against
each page with a signed-in session and a real CSRF token, and prints requests/s, p50 and
p99 latency, SQL queries per request (counted in-process) and each page's ratio to its
ceiling route. After the submit run it checks that every accepted POST made one request.
Every run is bounded by --duration; everything listens on loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SUBMIT_FORM = (
    "submission_token={TOKEN}&title=Screening+tools+for+toddlers&description=We+want+to+choose"
    "+a+developmental+screening+tool+for+our+clinics.&topic_ids=1&state=NM&tier=targeted"
    "&urgency=routine&preferred_mode=virtual_meeting&program_id=&desired_outcome="
)

# (name, method, path, role, ceiling route). A path that answers 404 is reported as absent.
PAGES = [
    ("request form", "GET", "/requests/new", "requester", "/list"),
    ("submit", "POST", "/requests/new", "requester", "/insert"),
    ("staff queue", "GET", "/queue", "staff", "/list"),
    # The JSON API's request list (a page of 25 open requests, oldest first), with a token.
    ("api: request list", "GET", "/api/v1/requests?limit=25", "staff", "/list"),
    ("request page", "GET", "/requests/{reference}", "staff", "/list"),
    ("my caseload", "GET", "/caseload", "staff", "/list"),
    ("triage", "GET", "/triage", "lead", "/list"),
    ("dashboard", "GET", "/reports/", "leadership", "/aggregate"),
    ("dashboard data", "GET", "/reports/dashboard.json", "leadership", "/aggregate"),
    ("report: volume", "GET", "/reports/volume", "leadership", "/aggregate"),
    ("report: timeliness", "GET", "/reports/timeliness", "leadership", "/aggregate"),
    ("report: hours", "GET", "/reports/hours", "leadership", "/aggregate"),
    ("report: caseload", "GET", "/reports/caseload", "leadership", "/aggregate"),
    ("report: satisfaction", "GET", "/reports/satisfaction", "leadership", "/aggregate"),
    ("report: declined", "GET", "/reports/declined", "leadership", "/aggregate"),
]
LOGINS = {
    "requester": "requester@demo.tacenter.org",
    "staff": "staff@demo.tacenter.org",
    "lead": "lead@demo.tacenter.org",
    "leadership": "leadership@demo.tacenter.org",
}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A signed-in browser-like session: cookie jar and the CSRF token of the session."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", "tacenter-bench")]  # as bench/load.lua sends
        token = self.csrf("/login")
        data = urllib.parse.urlencode({"email": email, "password": "demo-password", "csrf_token": token})
        self.opener.open(base + "/login", data.encode()).read()
        self.token = self.csrf("/requests")

    def csrf(self, path: str) -> str:
        html = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def _api_token(env: dict, email: str) -> str:
    code = "from bench.query_counts import api_token; from tacenter import create_app; import sys; "
    code += "print(api_token(create_app(), sys.argv[1]))"
    out = subprocess.run([sys.executable, "-c", code, email], env={**env, "PYTHONPATH": str(REPO)}, cwd=REPO,
                         check=True, capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def start(cmd: list[str], env: dict, port: int, log: Path, health: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=2).read()
            return proc
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{cmd[0]} did not start: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def rss_mb(master: subprocess.Popen) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def wrk(url: str, method: str, cookie: str, token: str, form: str, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "5s",
            "-s",
            str(REPO / "bench" / "load.lua"),
            url,
            "--",
            method,
            cookie,
            token,
            form,
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def query_counts(env: dict, reference: str) -> dict[str, int | None]:
    """SQL statements per page (None: the page does not exist yet), from bench/query_counts.py;
    on PostgreSQL it also prints what EXPLAIN says of each page's statements."""
    spec = {
        "form": SUBMIT_FORM,
        "pages": [(n, m, p.format(reference=reference), LOGINS[r]) for n, m, p, r, _ in PAGES],
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.query_counts", json.dumps(spec)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for page, notes in found["plans"].items():
        for note in notes:
            print(f"[plan] {page}: {note}", flush=True)
    if found["plans"]:
        clean = [page for page, notes in found["plans"].items() if not notes]
        print(f"[plan] no sequential scan of a growing table: {', '.join(clean)}", flush=True)
    return found["counts"]


def prepare_database(kind: str, workdir: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite'}", lambda: None
    name = f"tacenter_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, drop


def run(kind: str, args) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix=f"tacenter-bench-{kind}-"))
    reuse = args.database_url and sa.make_url(args.database_url).get_backend_name() == kind
    url, drop = (args.database_url, lambda: None) if reuse else prepare_database(kind, workdir)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TACENTER_INSTANCE": str(workdir),
        "FLASK_DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "REDIS_URL": args.redis_url,
        "LOGIN_LIMIT": "1000 per minute",
        "API_RATE_LIMIT": "1000000/minute",
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    rows = []
    try:
        flask = [str(BIN / "flask"), "--app", "tacenter"]
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=REPO, check=True, capture_output=True)
        started = time.monotonic()
        seeded = (
            "reusing the seeded database"
            if reuse
            else subprocess.run(
                [
                    *flask,
                    "seed-demo",
                    "--requests",
                    str(args.requests),
                    "--organizations",
                    "200",
                    "--staff",
                    "40",
                    "--years",
                    str(args.years),
                ],
                env=env,
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        print(f"[{kind}] {seeded} ({time.monotonic() - started:.0f} s)", flush=True)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            reference = conn.execute(
                sa.text("SELECT reference FROM ta_request ORDER BY id DESC LIMIT 1")
            ).scalar()
        counts = query_counts(env, reference)

        port, ceiling_port = free_port(), free_port()
        app = start(
            [
                str(BIN / "gunicorn"),
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "tacenter:create_app()",
            ],
            env,
            port,
            workdir / "gunicorn.log",
            "/healthz",
        )
        subprocess.run(
            [sys.executable, "-c", "from bench.ceiling_app import create_table; create_table()"],
            env={**env, "PYTHONPATH": str(REPO)},
            cwd=REPO,
            check=True,
        )
        ceiling = start(
            [
                str(BIN / "gunicorn"),
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{ceiling_port}",
                "bench.ceiling_app:app",
            ],
            {**env, "PYTHONPATH": str(REPO)},
            ceiling_port,
            workdir / "ceiling.log",
            "/aggregate",
        )
        base = f"http://127.0.0.1:{port}"
        sessions = {role: Session(base, email) for role, email in LOGINS.items()}
        ceilings = {
            route: wrk(
                f"http://127.0.0.1:{ceiling_port}{route}",
                "POST" if route == "/insert" else "GET",
                "",
                "",
                "title=x&body={TOKEN}",
                args,
            )
            for route in ("/insert", "/list", "/aggregate")
        }
        for name, method, path, role, shape in PAGES:
            if args.pages and not any(word in name for word in args.pages.split(",")):
                continue
            if counts.get(name) is None:
                rows.append({"db": kind, "page": name, "absent": True})
                continue
            session = sessions[role]
            credential = session.cookie
            if path.startswith("/api/"):  # a token, sent by bench/load.lua as Authorization
                credential = "Bearer " + _api_token(env, LOGINS[role])
            target = base + path.format(reference=reference)
            before = (
                engine.connect()
                .execute(sa.text("SELECT count(*) FROM ta_request WHERE submission_token LIKE 'bench-%'"))
                .scalar()
            )
            result = wrk(target, method, credential, session.token, SUBMIT_FORM, args)
            row = {
                "db": kind,
                "page": name,
                **result,
                "queries": counts[name],
                "ceiling": shape,
                "ceiling_rps": ceilings[shape]["requests"] / ceilings[shape]["seconds"],
            }
            if method == "POST":
                time.sleep(1)
                after = (
                    engine.connect()
                    .execute(sa.text("SELECT count(*) FROM ta_request WHERE submission_token LIKE 'bench-%'"))
                    .scalar()
                )
                row["rows_created"] = after - before
            rows.append(row)
        for route, result in ceilings.items():
            rows.append(
                {
                    "db": kind,
                    "page": f"ceiling {route}",
                    **result,
                    "queries": 1,
                    "ceiling": route,
                    "ceiling_rps": result["requests"] / result["seconds"],
                }
            )
        rows.append({"db": kind, "page": "gunicorn worker RSS (MB)", "rss": rss_mb(app)})
        stop(app)
        stop(ceiling)
        engine.dispose()
    finally:
        drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'db':<10} {'page':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} {'ceiling':>10} "
        f"{'ceil req/s':>10} {'ratio':>6}  notes"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.get("absent"):
            print(f"{row['db']:<10} {row['page']:<22} {'(no such page yet)':>8}")
            continue
        if "rss" in row:
            print(f"{row['db']:<10} {row['page']:<22} " + ", ".join(f"{mb:.0f}" for mb in row["rss"]))
            continue
        rps = row["requests"] / row["seconds"]
        notes = []
        if row["bad"] or row["socket_errors"]:
            notes.append(f"{row['bad']} non-2xx/3xx, {row['socket_errors']} socket errors")
        if "rows_created" in row:
            extra = row["rows_created"] - row["ok"]
            notes.append(
                f"{row['ok']} accepted, {row['rows_created']} created ({extra:+d} in flight at stop)"
            )
        print(
            f"{row['db']:<10} {row['page']:<22} {rps:8.0f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
            f"{row['queries']:7d} {row['ceiling']:>10} {row['ceiling_rps']:10.0f} "
            f"{rps / row['ceiling_rps']:6.2f}  " + "; ".join(notes)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument(
        "--years", type=float, default=5, help="years of history (open requests: the last 60 days)"
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--pages", default="", help="only pages whose name contains one of these words")
    parser.add_argument(
        "--database-url", default="", help="an already seeded database to reuse (kept); its kind only"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    rows = []
    for kind in args.db.split(","):
        rows += run(kind, args)
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
