"""Benchmark: importing 50,000 requests from a CSV file, as the worker does (check, then write
all at once), with its time and peak memory; then the same file again (it must change nothing).

Creates a scratch database (PostgreSQL by default, or an SQLite file), builds it with the
migrations, adds the organizations, people and topics the rows refer to, writes the CSV,
runs the import and prints the figures.

    .venv/bin/python bench/imports.py [--rows 50000] [--db postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TACENTER_INSTANCE", tempfile.mkdtemp(prefix="tacenter-bench-"))

from bench.reminder_sweep import drop_database, make_database, reset_peak, rss_mib  # noqa: E402

DESCRIPTION = "Help with a plan for infant and early childhood mental health consultation. " * 3
STAGES = [("submitted", 0), ("triage", 0), ("assigned", 2), ("in_progress", 3), ("delivered", 4),
          ("closed", 5), ("declined", 1), ("referred", 1)]  # fmt: skip


def write_csv(path: Path, rows: int, names) -> None:
    rng = random.Random(50_000)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for n in range(rows):
            stage, depth = rng.choice(STAGES)
            year, month, day = rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 20)
            dates = [f"{year}-{month:02d}-{day + k:02d}" for k in range(6)]
            row = {
                "external_id": f"OLD-{n}", "title": f"Imported request {n}",
                "description": DESCRIPTION,
                "organization": f"ORG-{n % 200}", "requester_email": f"requester{n % 200}@bench.example",
                "state": "NM", "topics": "Home visiting; Financing and Medicaid", "stage": stage,
                "assignee_email": f"staff{n % 20}@bench.example" if depth >= 2 else "",
                "submitted_at": dates[0], "first_response_at": dates[1] if depth >= 1 else "",
                "assigned_at": dates[2] if depth >= 2 else "",
                "delivered_at": dates[4] if stage in ("delivered", "closed") else "",
                "finished_at": dates[5] if stage in ("closed", "declined", "referred") else "",
                "closing_reason": "Out of scope" if stage in ("declined", "referred") else "",
            }  # fmt: skip
            writer.writerow([row.get(name, "") for name in names])


def seed_registry() -> None:
    from tacenter.accounts.models import Organization, User
    from tacenter.catalog.models import Topic
    from tacenter.extensions import db

    db.session.add_all([Topic(name="Home visiting"), Topic(name="Financing and Medicaid")])
    orgs = [Organization(name=f"Grantee {n}", state="NM", external_id=f"ORG-{n}") for n in range(200)]
    db.session.add_all(orgs)
    db.session.flush()
    people = [User(email=f"requester{n}@bench.example", name=f"R {n}", role="requester",
                   organization_id=orgs[n].id, password_hash="!") for n in range(200)]  # fmt: skip
    people += [User(email=f"staff{n}@bench.example", name=f"S {n}", role="staff", password_hash="!")
               for n in range(20)]  # fmt: skip
    db.session.add_all(people)
    db.session.commit()


def timed(label: str, fn):
    reset_peak()
    started = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - started:.1f} s, peak RSS {rss_mib():.0f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    default_pg = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--pg", default=default_pg)
    args = parser.parse_args()
    instance = Path(os.environ["TACENTER_INSTANCE"])
    url = make_database(args.pg) if args.db == "postgresql" else f"sqlite:///{instance / 'bench.sqlite'}"
    try:
        from flask_migrate import upgrade

        from config import _celery_settings
        from tacenter import create_app
        from tacenter.records.columns import KINDS
        from tacenter.records.engine import scan
        from tacenter.records.services import import_file

        broker = {"data_folder_in": str(instance / "broker"), "data_folder_out": str(instance / "broker"),
                  "processed_folder": str(instance / "processed"), "store_processed": False}  # fmt: skip
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" * 8, "BASE_URL": "http://bench",
                          "CELERY": _celery_settings("filesystem://", broker)})  # fmt: skip
        with app.app_context():
            upgrade(directory=str(REPO / "migrations"))
            seed_registry()
            path = instance / "requests.csv"
            write_csv(path, args.rows, KINDS["requests"].names)
            print(f"{args.rows:,} requests, {path.stat().st_size / 1e6:.1f} MB of CSV, on {args.db}; "
                  f"baseline RSS {rss_mib():.0f} MiB")  # fmt: skip
            tz, limit = app.config["CENTER_TIMEZONE"], app.config["IMPORT_MAX_BYTES"]
            report = timed("check (the preview)", lambda: scan("requests", str(path), tz=tz, max_bytes=limit))
            assert report.error_count == 0, report.errors[:5]
            report = timed("commit (check again and write, one transaction)",
                           lambda: import_file("requests", str(path), commit=True))  # fmt: skip
            print(f"  written: {report.counts['new']:,} new")
            report = timed("same file again", lambda: import_file("requests", str(path), commit=True))
            print(f"  written: {report.counts['new']:,} new, {report.counts['unchanged']:,} unchanged")
            from tacenter.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        if args.db == "postgresql":
            drop_database(args.pg, url)


if __name__ == "__main__":
    main()
