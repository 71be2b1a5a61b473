"""Benchmark: the dashboard and every report on 100,000 requests and 300,000 TA activities (PostgreSQL).

    .venv/bin/python bench/reports.py [--requests 100000] [--activities 300000]

Creates a scratch database, seeds it in bulk (the demo seed, topped up with activities),
times each page's queries (best of 3, after one warm-up) with their query count, and
drops the database.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (prints its name)")
    parser.add_argument("--reuse", default="", help="time an existing scratch database; no seeding")
    args = parser.parse_args()
    name = args.reuse or f"tacenter_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    if not args.reuse:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        run(ADMIN_URL.rsplit("/", 1)[0] + "/" + name, args)
    finally:
        if args.keep or args.reuse:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def top_up_activities(target: int) -> None:
    from tacenter.delivery.models import TAActivity
    from tacenter.extensions import db
    from tacenter.intake.models import TARequest
    from tacenter.vocab import DeliveryMode

    have = db.session.scalar(sa.select(sa.func.count()).select_from(TAActivity))
    rows = db.session.execute(
        sa.select(TARequest.id, TARequest.assigned_at, TARequest.assignee_id).where(
            TARequest.assigned_at.is_not(None)
        )
    ).all()
    rng, modes, batch = random.Random(7), list(DeliveryMode), []
    for i in range(max(0, target - have)):
        rid, assigned_at, staff_id = rows[i % len(rows)]
        batch.append(
            {
                "ta_request_id": rid,
                "activity_date": (assigned_at + timedelta(days=rng.uniform(0, 40))).date(),
                "hours": Decimal(rng.randint(1, 24)) / 4,
                "mode": rng.choice(modes).value,
                "participant_count": rng.randint(1, 20),
                "staff_id": staff_id,
            }
        )
        if len(batch) == 20000:
            db.session.execute(sa.insert(TAActivity), batch)
            db.session.commit()
            batch = []
    if batch:
        db.session.execute(sa.insert(TAActivity), batch)
    db.session.commit()
    db.session.commit()
    # What autovacuum does to a settled database: statistics, hint bits and the visibility map.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def timed(label: str, fn) -> None:
    from tacenter.extensions import db

    count = []
    listener = lambda *a: count.append(1)  # noqa: E731
    fn()  # warm-up
    best = float("inf")
    for _ in range(3):
        count.clear()
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        sa.event.remove(db.engine, "before_cursor_execute", listener)
        db.session.rollback()
    print(f"{label:<34} {best * 1000:8.1f} ms  {len(count):3d} queries  {'OK' if best < 0.5 else 'SLOW'}")


def _page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.status_code


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    os.environ["DATABASE_URL"] = url
    from tacenter import create_app
    from tacenter.db import utcnow
    from tacenter.demo.seed import seed_demo
    from tacenter.extensions import db
    from tacenter.intake.models import TARequest
    from tacenter.reports import queries, registry
    from tacenter.reports.filters import ReportFilters
    from tacenter.timeliness.business_days import local_date

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40, "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        start = time.perf_counter()
        if not args.reuse:
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            seed_demo(request_count=args.requests, batch_size=5000)
            top_up_activities(args.activities)
        from tacenter.delivery.models import TAActivity

        n_req = db.session.scalar(sa.select(sa.func.count()).select_from(TARequest))
        n_act = db.session.scalar(sa.select(sa.func.count()).select_from(TAActivity))
        seeded = "" if args.reuse else f" (seeded in {time.perf_counter() - start:.0f} s)"
        print(f"{n_req:,} requests and {n_act:,} activities{seeded}")
        client = app.test_client()
        client.post("/login", data={"email": "leadership@demo.tacenter.org", "password": "demo-password"})
        tz, now = app.config["CENTER_TIMEZONE"], utcnow()
        today = local_date(now, tz)
        fiscal = "fy" + str(today.year + (today.month >= 10))
        custom = {"period": "custom", "start": f"{today.year - 2}-01-01", "end": today.isoformat()}
        for case in ({"period": fiscal}, custom, {**custom, "tier": "intensive", "state": "NM"}):
            filters = ReportFilters.from_args(case, today=today)
            print(f"-- {filters.period.label} {case.get('tier', '')} {case.get('state', '')}")
            query_string = "&".join(f"{k}={v}" for k, v in case.items())
            timed("dashboard page (HTTP, rendered)", lambda q=query_string: _page(client, f"/reports/?{q}"))
            timed(
                "dashboard (figures + charts)",
                lambda f=filters: (queries.headline(f, tz=tz, now=now), queries.chart_data(f, tz=tz)),
            )
            for key, kind in registry.REPORTS.items():
                timed(
                    f"report {key}",
                    lambda k=kind, f=filters: registry.build(k, f, rows="", columns="", tz=tz),
                )
            vol = registry.REPORTS["volume"]
            timed(
                "report volume topic x state",
                lambda f=filters, v=vol: registry.build(v, f, rows="topic", columns="state", tz=tz),
            )
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
