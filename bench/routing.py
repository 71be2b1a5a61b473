"""Routing benchmark: ranking time and query counts with 500 staff and 100,000 requests.

    .venv/bin/python bench/routing.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/tacenter_bench

Builds the schema with the migrations in an EMPTY scratch database (create it first, drop
it after), then measures the pages with small data, bulk-inserts the large data set and
measures again. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

from tacenter import create_app  # noqa: E402
from tacenter.accounts.models import Organization, User  # noqa: E402
from tacenter.accounts.passwords import hash_password  # noqa: E402
from tacenter.catalog.models import GrantProgram, Topic  # noqa: E402
from tacenter.catalog.queries import DEFAULT_PROGRAMS, DEFAULT_TOPICS  # noqa: E402
from tacenter.db import StatementCounter  # noqa: E402
from tacenter.extensions import db  # noqa: E402
from tacenter.intake.models import TARequest, ta_request_topic  # noqa: E402
from tacenter.routing.engine import rank_candidates  # noqa: E402
from tacenter.routing.models import (  # noqa: E402
    StaffAbsence,
    StaffExpertise,
    StaffProfile,
    StaffState,
    staff_program,
)
from tacenter.vocab import STATES  # noqa: E402
from tacenter.workflow.models import Assignment  # noqa: E402

PASSWORD = "bench-password"  # noqa: S105
OPEN_ASSIGNED = ["assigned", "in_progress", "waiting_on_requester", "delivered"]
FINISHED = ["closed", "declined", "referred"]


def next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def seed_base() -> tuple[list[int], list[int], list[tuple[int, int, str]], int]:
    """Topics, programs, one organization and requester per state, a lead. Returns ids."""
    db.session.execute(insert(Topic), [{"name": n, "active": True} for n in DEFAULT_TOPICS])
    db.session.execute(insert(GrantProgram), [{"name": n, "active": True} for n in DEFAULT_PROGRAMS])
    now = datetime.now(UTC)
    db.session.execute(
        insert(Organization),
        [
            {
                "name": f"Org {code}",
                "org_type": "state_agency",
                "state": code,
                "created_at": now,
                "updated_at": now,
            }
            for code in STATES
        ],
    )
    orgs = db.session.execute(select(Organization.id, Organization.state)).all()
    hashed = hash_password(PASSWORD)
    people = [
        {
            "email": f"requester-{code.lower()}@bench.test",
            "name": f"Requester {code}",
            "role": "requester",
            "organization_id": org_id,
            "password_hash": hashed,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for org_id, code in orgs
    ]
    people.append(
        {
            "email": "lead@bench.test",
            "name": "Bench Lead",
            "role": "lead",
            "organization_id": None,
            "password_hash": hashed,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
    )
    db.session.execute(insert(User), people)
    db.session.commit()
    topics = list(db.session.scalars(select(Topic.id)))
    programs = list(db.session.scalars(select(GrantProgram.id)))
    requesters = db.session.execute(
        select(User.id, User.organization_id, Organization.state).join(Organization)
    ).all()
    lead = db.session.scalar(select(User.id).where(User.role == "lead"))
    return topics, programs, [tuple(r) for r in requesters], lead


def seed_staff(n: int, topics, programs, rng: random.Random, start: int) -> list[int]:
    now = datetime.now(UTC)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"staff{start + i}@bench.test",
                "name": f"Staff {start + i:04d}",
                "role": "staff",
                "password_hash": "x",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ],
    )
    ids = list(
        db.session.scalars(select(User.id).where(User.role == "staff").order_by(User.id.desc()).limit(n))
    )
    codes = list(STATES)
    db.session.execute(
        insert(StaffProfile),
        [
            {"user_id": u, "capacity": rng.choice([30, 40, 50, 60]), "active": True, "updated_at": now}
            for u in ids
        ],
    )
    expertise, states, progs, away = [], [], [], []
    today = date.today()
    for u in ids:
        chosen = rng.sample(topics, 5)
        expertise += [{"user_id": u, "topic_id": t, "level": "primary"} for t in chosen[:2]]
        expertise += [{"user_id": u, "topic_id": t, "level": "secondary"} for t in chosen[2:]]
        states += [{"user_id": u, "state": s} for s in rng.sample(codes, rng.randint(3, 6))]
        progs += [{"user_id": u, "program_id": p} for p in rng.sample(programs, rng.randint(1, 2))]
        if rng.random() < 0.2:
            first = today + timedelta(days=rng.randint(-5, 40))
            away.append(
                {
                    "user_id": u,
                    "starts_on": first,
                    "ends_on": first + timedelta(days=rng.randint(0, 10)),
                    "note": "",
                }
            )
    db.session.execute(insert(StaffExpertise), expertise)
    db.session.execute(insert(StaffState), states)
    db.session.execute(insert(staff_program), progs)
    if away:
        db.session.execute(insert(StaffAbsence), away)
    db.session.commit()
    return ids


def seed_requests(
    total: int, open_count: int, unassigned: int, staff, topics, programs, requesters, lead, rng
):
    """`total` requests: `unassigned` waiting for triage, the rest of `open_count` on caseloads,
    the others finished; each assigned one with its Assignment row. Bulk inserts."""
    now = datetime.now(UTC)
    first = next_id(TARequest)
    for start in range(0, total, 5000):
        rows, links, assignments = [], [], []
        for i in range(start, min(total, start + 5000)):
            rid = first + i
            requester_id, org_id, state = rng.choice(requesters)
            if i < unassigned:
                stage, assignee = rng.choice(["submitted", "triage"]), None
            elif i < open_count:
                stage, assignee = rng.choice(OPEN_ASSIGNED), rng.choice(staff)
            else:
                stage, assignee = rng.choice(FINISHED), rng.choice(staff)
            submitted = now - timedelta(days=rng.uniform(0.1, 700), seconds=i)
            rows.append(
                {
                    "id": rid,
                    "reference": f"TA-B-{rid:07d}",
                    "submission_token": f"bench-{rid}",
                    "title": "Benchmark request",
                    "description": "Generated for the routing benchmark.",
                    "desired_outcome": "",
                    "program_id": rng.choice(programs),
                    "state": state,
                    "tier": rng.choice(["universal", "targeted", "targeted", "intensive"]),
                    "urgency": "routine",
                    "needed_by": (now + timedelta(days=rng.randint(5, 90))).date()
                    if rng.random() < 0.6
                    else None,
                    "preferred_mode": "virtual_meeting",
                    "requester_id": requester_id,
                    "organization_id": org_id,
                    "stage": stage,
                    "assignee_id": assignee,
                    "submitted_at": submitted,
                    "created_at": submitted,
                    "updated_at": submitted + timedelta(days=rng.uniform(0, 20)),
                    "version": 1,
                }
            )
            links += [{"ta_request_id": rid, "topic_id": t} for t in rng.sample(topics, rng.randint(1, 3))]
            if assignee:
                assignments.append(
                    {
                        "ta_request_id": rid,
                        "assignee_id": assignee,
                        "assigned_by_id": lead,
                        "assigned_at": submitted + timedelta(hours=rng.uniform(1, 48)),
                        "note": "",
                        "ended_at": submitted + timedelta(days=30) if stage in FINISHED else None,
                    }
                )
        db.session.execute(insert(TARequest), rows)
        db.session.execute(insert(ta_request_topic), links)
        if assignments:
            db.session.execute(insert(Assignment), assignments)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('ta_request', 'id'), (SELECT MAX(id) FROM ta_request))"
            )
        )
        db.session.commit()


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def measure_ranking(runs: int) -> dict:
    """Wall time, this process's CPU time and the query count of ranking `runs` waiting requests."""
    waiting = list(
        db.session.scalars(
            select(TARequest.id)
            .where(TARequest.stage.in_(["submitted", "triage"]))
            .order_by(TARequest.id)
            .limit(runs)
        )
    )
    times, cpu, counts, sizes = [], [], [], []
    today = date.today()
    for request_id in waiting:
        db.session.remove()
        with StatementCounter(db.engine) as counter:
            started, cpu_started = time.perf_counter(), time.process_time()
            ranking = rank_candidates(request_id, today=today)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        counts.append(counter.count)
        sizes.append(len(ranking))
    times.sort()
    assert len(set(counts)) == 1, counts
    return {
        "median": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
        "cpu": statistics.median(cpu),
        "queries": counts[0],
        "size": int(statistics.median(sizes)),
        "server": server_time(waiting[0]),
    }


def server_time(request_id: int) -> float | None:
    """PostgreSQL's own planning + execution time for one ranking's statements (best of 5 each):
    what the database spends, whatever else the machine is doing."""
    if db.engine.dialect.name != "postgresql":
        return None
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    rank_candidates(request_id, today=date.today())
    event.remove(db.engine, "before_cursor_execute", capture)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        total = 0.0
        for statement, parameters in statements:
            best = float("inf")
            for _ in range(5):
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
                best = min(best, sum(float(line.split()[2]) for line in lines if line.endswith(" ms")))
            total += best
        return total
    finally:
        raw.close()


def login(client) -> None:
    response = client.post("/login", data={"email": "lead@bench.test", "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def page_queries(client, paths) -> dict[str, tuple[int, float]]:
    from flask import g

    out = {}
    for path in paths:
        db.session.remove()
        for name in list(g):  # each request starts with a clean `g`, as a real one would
            g.pop(name)
        with StatementCounter(db.engine) as counter:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        out[path] = (counter.count, elapsed)
    return out


def seed_all(args, client, paths, rng):
    """Small data first (measured), then the large set. Returns the small figures and seeding time."""
    topics, programs, requesters, lead = seed_base()
    login(client)
    small_staff = seed_staff(10, topics, programs, rng, 0)
    seed_requests(200, 40, 10, small_staff, topics, programs, requesters, lead, rng)
    analyze()
    small = page_queries(client, paths)
    small_rank = measure_ranking(10)
    started = time.perf_counter()
    staff = small_staff + seed_staff(args.staff - 10, topics, programs, rng, 10)
    counts = (args.requests - 200, args.open - 40, args.unassigned - 10)
    seed_requests(*counts, staff, topics, programs, requesters, lead, rng)
    analyze()
    return small, small_rank, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--unassigned", type=int, default=1_000, help="of the open ones, waiting for triage")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="measure an already seeded database again")
    args = parser.parse_args()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
        }
    )
    rng = random.Random(2026)
    paths = ["/triage", "/team"]
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        client = app.test_client()
        small, small_rank, seeded = None, None, 0.0
        if not db.session.scalar(select(func.count()).select_from(TARequest)):
            small, small_rank, seeded = seed_all(args, client, paths, rng)
        elif not args.reuse:
            sys.exit("The database is not empty: give a fresh scratch database (or --reuse a seeded one).")
        login(client)
        total = db.session.scalar(select(func.count()).select_from(TARequest))
        open_total = db.session.scalar(
            select(func.count()).select_from(TARequest).where(TARequest.stage.not_in(FINISHED))
        )
        staff_total = db.session.scalar(select(func.count()).select_from(StaffProfile))
        page_queries(client, paths)  # warm the caches once
        load_before = os.getloadavg()[0]
        large = page_queries(client, paths)
        ranking = measure_ranking(args.runs)
        dialect = db.engine.dialect.name
        version = (
            db.session.scalar(text("SELECT version()")).split(" on ")[0]
            if dialect == "postgresql"
            else dialect
        )
        print(f"database: {version}; load average when measuring: {load_before:.1f} on {os.cpu_count()} CPUs")
        if seeded:
            print(f"seeded in {seeded:.1f} s")
        print(f"data: {staff_total} staff profiles, {total} requests ({open_total} open)")
        server = (
            f"; PostgreSQL's own time {ranking['server']:.1f} ms" if ranking["server"] is not None else ""
        )
        print(
            f"ranking one request: median {ranking['median']:.1f} ms, p95 {ranking['p95']:.1f} ms "
            f"over {args.runs} runs (this process's CPU: median {ranking['cpu']:.1f} ms{server}); "
            f"{ranking['queries']} SQL queries"
            + (f" (small data: {small_rank['queries']})" if small_rank else "")
            + f"; median {ranking['size']} eligible candidates"
        )
        for path in paths:
            before = f"{small[path][0]} queries with small data, " if small else ""
            print(f"{path}: {before}{large[path][0]} with large data ({large[path][1]:.0f} ms)")


if __name__ == "__main__":
    main()
