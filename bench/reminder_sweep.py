"""Benchmark: one reminder sweep (all five kinds) over 100,000 open requests on PostgreSQL.

Creates a scratch database, builds it with the migrations, loads the requests in
batches, runs every sweep once (timed, with peak RSS), runs them again (must send
nothing new), prints the figures and drops the database.

    .venv/bin/python bench/reminder_sweep.py [--requests 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TACENTER_INSTANCE", tempfile.mkdtemp(prefix="tacenter-bench-"))


def rss_mib() -> float:
    """Peak RSS since the last reset_peak() (Linux VmHWM), else since the process started."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start peak-RSS measurement afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def make_database(admin_url: str) -> str:
    name = f"tacenter_bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def load(n: int, now: datetime) -> None:
    """n open requests: mostly recent and active; about 1 % due some reminder."""
    from tacenter.accounts.models import Organization, User
    from tacenter.extensions import db
    from tacenter.intake.models import TARequest

    org = Organization(name="Bench org", org_type="state_agency", state="NM")
    db.session.add(org)
    db.session.flush()
    requester = User(email="r@bench.test", name="Requester", role="requester", organization_id=org.id,
                     password_hash="x")  # fmt: skip
    staff = [
        User(email=f"s{i}@bench.test", name=f"Staff {i}", role="staff", password_hash="x") for i in range(20)
    ]
    leads = [
        User(email=f"l{i}@bench.test", name=f"Lead {i}", role="lead", password_hash="x") for i in range(2)
    ]
    db.session.add_all([requester, *staff, *leads])
    db.session.commit()
    rng = random.Random(6)
    table = TARequest.__table__
    batch = []
    for i in range(1, n + 1):
        due = rng.random() < 0.01  # one in a hundred is overdue for something
        age = timedelta(days=rng.randint(20, 90)) if due else timedelta(hours=rng.randint(1, 20))
        stage = rng.choices(
            ["submitted", "triage", "assigned", "in_progress", "waiting_on_requester", "delivered"],
            [5, 5, 20, 50, 10, 10],
        )[0]
        moment = now - age
        needed_by = None
        if rng.random() < 0.3:
            needed_by = (now + timedelta(days=rng.randint(-3, 90) if due else rng.randint(30, 120))).date()
        batch.append(
            {
                "reference": f"TA-2026-{i:06d}",
                "submission_token": f"bench-{i}",
                "title": f"Request {i}",
                "description": "Help with IECMH consultation.",
                "state": "NM",
                "tier": rng.choice(["universal", "targeted", "intensive"]),
                "urgency": rng.choice(["routine", "soon", "urgent"]),
                "needed_by": needed_by,
                "requester_id": requester.id,
                "organization_id": org.id,
                "stage": stage,
                "assignee_id": None if stage in ("submitted", "triage") else rng.choice(staff).id,
                "submitted_at": moment,
                "created_at": moment,
                "updated_at": moment,
                "waiting_since": moment if stage == "waiting_on_requester" else None,
                "first_response_at": None if stage == "submitted" else moment,
                "assigned_at": None if stage in ("submitted", "triage") else moment,
            }
        )
        if len(batch) == 10_000:
            db.session.execute(sa.insert(table), batch)
            db.session.commit()
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)
        db.session.commit()


def sweep_all(now: datetime) -> dict:
    from tacenter.reminders.services import run_sweep
    from tacenter.reminders.sweeps import SWEEPS

    totals: dict = {}
    for name in SWEEPS:
        for key, value in run_sweep(name, now=now).items():
            totals[key] = totals.get(key, 0) + value
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    url = make_database(args.pg)
    instance = Path(os.environ["TACENTER_INSTANCE"])
    try:
        from flask_migrate import upgrade

        from config import _celery_settings
        from tacenter import create_app

        broker = {"data_folder_in": str(instance / "broker"), "data_folder_out": str(instance / "broker"),
                  "processed_folder": str(instance / "processed"), "store_processed": False}  # fmt: skip
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" * 8, "BASE_URL": "http://bench",
                          "CELERY": _celery_settings("filesystem://", broker)})  # fmt: skip
        with app.app_context():
            upgrade(directory=str(REPO / "migrations"))
            now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
            started = time.perf_counter()
            load(args.requests, now)
            print(f"loaded {args.requests:,} open requests in {time.perf_counter() - started:.1f} s")
            from tacenter.extensions import db

            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            reset_peak()
            before = rss_mib()
            started = time.perf_counter()
            first = sweep_all(now)
            elapsed = time.perf_counter() - started
            peak = rss_mib()
            started = time.perf_counter()
            second = sweep_all(now + timedelta(minutes=1))
            again = time.perf_counter() - started
            print(f"first sweep:  {elapsed:.2f} s; candidates {first.get('candidates', 0):,}, "
                  f"reminders {first.get('reminders', 0):,}, notices {first.get('notices', 0):,}, "
                  f"closed {first.get('closed', 0):,}")  # fmt: skip
            print(f"second sweep: {again:.2f} s; reminders {second.get('reminders', 0)}, "
                  f"notices {second.get('notices', 0)}, closed {second.get('closed', 0)}")  # fmt: skip
            growth = peak - before
            print(f"peak RSS in the sweep: {peak:.0f} MiB (at its start {before:.0f} MiB, +{growth:.0f} MiB)")
            verdict = elapsed < 10 and not second.get("reminders") and not second.get("closed")
            print("PASS" if verdict else "FAIL", "(target: under 10 s, nothing new the second time)")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(args.pg, url)


if __name__ == "__main__":
    main()
