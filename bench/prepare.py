"""The bench's pages and what each run prepares: the seeded template (kept per size with
--keep-template), every role signed in on it, an import the app has checked, and the statements
each page sends (bench/query_counts.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.servers import KEPT_DIR, REPO, Database

BIN = Path(sys.executable).parent
SUBMIT_FORM = (
    "submission_token={TOKEN}&title=Screening+tools+for+toddlers&description=We+want+to+choose"
    "+a+developmental+screening+tool+for+our+clinics.&topic_ids=1&state=NM&tier=targeted"
    "&urgency=routine&preferred_mode=virtual_meeting&program_id=&desired_outcome="
)
CEILING_FORM = "title=x&body={TOKEN}"

# (name, method, path, role, ceiling route, heavy). A path that answers 404 is reported as absent.
# Import preview is not in it: its page needs an import job the worker has checked, which the
# demo does not make.
PAGES = [
    ("request form", "GET", "/requests/new", "requester", "/list", False),
    ("submit", "POST", "/requests/new", "requester", "/insert", False),
    ("staff queue", "GET", "/queue", "staff", "/list", False),
    ("request page", "GET", "/requests/{reference}", "staff", "/list", False),
    ("my caseload", "GET", "/caseload", "staff", "/list", False),
    ("saved view: due this week", "GET", "/queue?due=week&sort=needed_by", "staff", "/list", False),
    ("events", "GET", "/events", "staff", "/list", False),
    ("API: request list", "GET", "/api/v1/requests", "staff (API token)", "/list", False),
    ("triage", "GET", "/triage", "lead", "/list", False),
    ("import preview", "GET", "/records/imports/{import_job}", "admin", "/list", False),
    ("dashboard", "GET", "/reports/", "leadership", "/aggregate", True),
    ("dashboard data", "GET", "/reports/dashboard.json", "leadership", "/aggregate", True),
    ("report: volume", "GET", "/reports/volume", "leadership", "/aggregate", True),
    ("report: timeliness", "GET", "/reports/timeliness", "leadership", "/aggregate", True),
    ("report: hours", "GET", "/reports/hours", "leadership", "/aggregate", True),
    ("report: caseload", "GET", "/reports/caseload", "leadership", "/aggregate", True),
    ("report: satisfaction", "GET", "/reports/satisfaction", "leadership", "/aggregate", True),
    ("report: declined", "GET", "/reports/declined", "leadership", "/aggregate", True),
]
LOGINS = {
    "requester": "requester@demo.tacenter.org",
    "staff": "staff@demo.tacenter.org",
    "lead": "lead@demo.tacenter.org",
    "leadership": "leadership@demo.tacenter.org",
    "admin": "admin@demo.tacenter.org",
}
API_LOGINS = {"staff (API token)": "staff@demo.tacenter.org"}  # a read-only token, no cookie
BENCH_ROWS = "SELECT count(*) FROM ta_request WHERE submission_token LIKE 'bench-%'"


class Session:
    """A signed-in browser-like session (made by bench/signin.py on the template database)."""

    def __init__(self, cookie: str, csrf: str):
        self.cookie, self.token = cookie, csrf


def sign_in_on_template(env: dict, template_url: str) -> tuple[dict[str, Session], dict]:
    """Every role signed in once, on the template, so each reset keeps the sessions; and an
    import the app has checked, for the preview page. Returns the sessions and the paths' ids."""
    import json

    emails = json.dumps({"sessions": list(LOGINS.values()), "tokens": list(API_LOGINS.values()),
                         "import_by": LOGINS["admin"]})  # fmt: skip
    argv = [sys.executable, "-m", "bench.signin", emails]
    template_env = {**env, "DATABASE_URL": template_url}
    found = subprocess.run(argv, cwd=REPO, env=template_env, capture_output=True, text=True)
    if found.returncode:
        raise RuntimeError(found.stderr[-3000:])
    made = json.loads(found.stdout.strip().splitlines()[-1])
    sessions = {role: Session(**made["sessions"][email]) for role, email in LOGINS.items()}
    sessions |= {role: Session(**made["tokens"][email]) for role, email in API_LOGINS.items()}
    return sessions, {"import_job": made["import_job"]}


def query_counts(env: dict, ids: dict, sessions: dict) -> dict[str, int | None]:
    """SQL statements per page (None: no such page), from bench/query_counts.py; on PostgreSQL
    it also prints what EXPLAIN says of each page's statements."""
    import json

    spec = {
        "form": SUBMIT_FORM,
        "pages": [(p[0], p[1], p[2].format(**ids), (LOGINS | API_LOGINS)[p[3]]) for p in PAGES],
        "cookies": {email: sessions[role].cookie for role, email in LOGINS.items()},
    }
    result = subprocess.run([sys.executable, "-m", "bench.query_counts", json.dumps(spec)],
                            cwd=REPO, env=env, capture_output=True, text=True)  # fmt: skip
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for page, notes in found["plans"].items():
        for note in notes:
            print(f"[plan] {page}: {note}", flush=True)
    return found["counts"]


def bench_rows(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text(BENCH_ROWS)).scalar()
    engine.dispose()
    return found


def seed(kind: str, db: Database, env: dict, args) -> None:
    flask = [str(BIN / "flask"), "--app", "tacenter"]
    tenv = {**env, "DATABASE_URL": db.template_url}
    if db.kept:
        KEPT_DIR.mkdir(exist_ok=True)
    subprocess.run([*flask, "db", "upgrade"], env=tenv, cwd=REPO, check=True, capture_output=True)
    if db.seeded:  # a kept template, brought to the current schema above
        print(f"[{kind}] reusing the kept template {db.kept}", flush=True)
        return
    started = time.monotonic()
    out = subprocess.run(
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
        ],  # fmt: skip
        env=tenv,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,  # fmt: skip
    ).stdout.strip()
    code = "from bench.ceiling_app import create_table; create_table()"
    subprocess.run([sys.executable, "-c", code], env={**tenv, "PYTHONPATH": str(REPO)}, cwd=REPO, check=True)
    if kind == "postgresql":
        db.admin.dispose()
        sa.create_engine(db.template_url).dispose()
    print(f"[{kind}] {out} ({time.monotonic() - started:.0f} s)", flush=True)
