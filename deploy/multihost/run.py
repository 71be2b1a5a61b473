"""The multi-host run: ten hosts in network namespaces, load from a client host, faults, figures.

    python -m deploy.multihost.run up|down
    python -m deploy.multihost.run faults|r1|smoke [--submissions N --concurrency C]

`faults` (issue #20, "several hosts"): kill web2's gunicorn, kill worker1 (restarted after 5 s),
cut worker2 off from Redis for 30 s, restart the beat host, and check the sign-in throttle across
nodes. `r1` (quality.md R1 at full size): 4,000 submissions at concurrency 100 from 40 accounts in
4 organizations, one gunicorn worker killed twice. Every scenario tears the hosts down at the end,
also on failure (and `down` removes a crashed run's leftovers). Needs root.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time

from deploy.multihost import database, hosts, net
from deploy.multihost.faults import Faults, client
from deploy.multihost.hosts import BIN, REPO, STATE
from deploy.multihost.proxy import start_proxy

SEED = {"accounts": 40, "orgs": 4, "reminders": 50}


def up(web_workers: int) -> dict:
    """Every host and role, fresh; returns the seed's accounts."""
    down()
    shutil.rmtree(STATE, ignore_errors=True)  # fresh secrets, logs and schedule files each run
    STATE.mkdir(parents=True)
    net.up()
    database.start_db()
    hosts.start_redis()
    hosts.start_mail()
    seed = hosts.migrate_and_seed(**SEED)
    (STATE / "seed.json").write_text(json.dumps(seed))
    for web in ("web1", "web2"):
        hosts.start_web(web, web_workers)
    for worker in ("worker1", "worker2"):
        hosts.start_worker(worker)
    hosts.start_beat()
    start_proxy()
    return seed


def down() -> None:
    database.stop_db()
    hosts.kill_namespace_processes()
    net.down()


def scenario(name: str, submissions: int, concurrency: int, web_workers: int) -> dict:
    print(f"== {name}: bringing up 10 hosts ({STATE})", flush=True)
    up(web_workers)
    baseline = int(database.psql("SELECT coalesce(max(id), 0) FROM email_outbox", "tacenter").strip())
    faults = Faults(name, submissions)
    faults.web_workers = web_workers
    progress, out = STATE / "client" / "progress", STATE / "client" / "load.json"
    progress.parent.mkdir(parents=True, exist_ok=True)
    progress.write_text("0")
    print(f"== load: {submissions} submissions at concurrency {concurrency}", flush=True)
    load = subprocess.Popen(
        net.exec_argv(
            "client",
            [
                str(BIN / "python"),
                "-m",
                "deploy.multihost.load",
                "submit",
                "--base",
                f"https://{net.ip_of('proxy')}",
                "--ca",
                str(STATE / "proxy" / "ca.pem"),
                "--seed",
                str(STATE / "seed.json"),
                "--out",
                str(out),
                "--run",
                name,
                "--submissions",
                str(submissions),
                "--concurrency",
                str(concurrency),
                "--progress",
                str(progress),
            ],
        ),
        cwd=REPO,
    )
    while load.poll() is None or faults.steps or faults.later:
        faults.tick(int(progress.read_text() or 0) if load.poll() is None else submissions)
        time.sleep(0.2)
    if load.returncode:
        raise RuntimeError("the load generator failed")
    print("== waiting for every email and webhook to reach the mail host", flush=True)
    figures, settled, deadline = {}, False, time.monotonic() + 300
    while time.monotonic() < deadline:
        faults.tick(submissions)
        figures = json.loads(
            client(
                "deploy.multihost.figures",
                hosts.database_url(),
                str(STATE / "mail" / "received.jsonl"),
                str(out),
                name,
                str(baseline),
            ).stdout
        )
        done = (
            figures["email"]["missing"] == 0
            and figures["webhooks"]["missing"] == 0
            and figures["reminders"]["delivered"] >= SEED["reminders"]
        )
        if done and not faults.later:
            if settled:
                break
            settled = True  # look once more after a while: a late duplicate would show up then
            time.sleep(10)
            continue
        settled = False
        time.sleep(5)
    if faults.throttle_thread:
        faults.throttle_thread.join()
    figures["faults"] = faults.log
    figures["throttle"] = faults.throttle
    figures["beat"] = {
        "max_beat_processes_at_once": faults.max_beats,
        "heartbeat_names": figures["heartbeats"]["beat"],
    }
    figures["versions"] = versions()
    return figures


def versions() -> dict:
    def first_line(*argv):
        r = subprocess.run(argv, capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0]

    return {
        "nginx": first_line("nginx", "-v"),
        "postgresql": first_line(str(database.PG_BIN / "postgres"), "--version"),
        "redis": first_line("redis-server", "--version"),
        "celery": first_line(str(BIN / "celery"), "--version"),
        "gunicorn": first_line(str(BIN / "gunicorn"), "--version"),
        "python": sys.version.split()[0],
    }


KILL_WINDOW_SECONDS = 5.0  # a send accepted this long before a whole-worker kill may be resent


def killed_within(log: list, at: float, seconds: float) -> bool:
    """A worker host was killed within `seconds` after `at` (the faults' log: [time, note])."""
    return any("celery killed" in note and 0 <= when - at <= seconds for when, note in log)


def verdict(name: str, f: dict) -> list[str]:
    """The pass marks that failed (empty: passed)."""
    r1, email, rem, hooks = f["R1"], f["email"], f["reminders"], f["webhooks"]
    checks = {
        "rows = accepted tokens": r1["rows_equal_accepted"] and r1["accepted_tokens"] == r1["submissions"],
        "every accepted reference exists": r1["accepted_reference_missing"] == 0,
        "0 rows with the wrong organization": r1["wrong_org_rows"] == 0,
        "outbox receipts = requests": r1["receipts_in_outbox"] == r1["rows"],
        "resubmits lead to the same request": r1["resubmits"]["different"] == 0,
        "no session lost": f["sessions"]["lost"] == 0,
        "every email delivered": email["missing"] == 0,
        # quality.md R4/R5: a kill -9 between the SMTP server's accept and the `sent` mark
        # resends that email (same Message-ID): allowed only for sends caught in that window.
        "no email twice but one a killed worker had just sent": email["duplicated"]
        == len(email["duplicates_first_at"])
        and all(killed_within(f["faults"], at, KILL_WINDOW_SECONDS) for at in email["duplicates_first_at"]),
        "every reminder once": (
            rem["reminder_sent_rows"],
            rem["reminder_emails"],
            rem["delivered"],
            rem["duplicated"],
        )
        == (SEED["reminders"],) * 3 + (0,),
        "one beat at a time": f["beat"]["max_beat_processes_at_once"] <= 1,
        "a webhook for every request": hooks["delivery_rows"] == r1["rows"],
        "every webhook delivered, signed": hooks["missing"] == 0 and hooks["signature_failed"] == 0,
        "no webhook delivered twice": hooks["duplicated"] == 0,
    }
    if name == "faults":
        statuses = [a["status"] for a in (f["throttle"] or {"answers": []})["answers"]]
        checks["throttle holds across nodes"] = (
            statuses == [200] * 10 + [429] and len(f["throttle"]["nodes"]) == 2
        )
        checks["sessions served by both nodes"] = (
            f["sessions"]["accounts_served_by_both_nodes"] == r1["accounts"]
        )
        checks["one beat scheduled"] = f["beat"]["heartbeat_names"] == ["beat@beat"]
    return [k for k, ok in checks.items() if not ok]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["up", "down", "faults", "r1", "smoke"])
    parser.add_argument("--submissions", type=int)
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--web-workers", type=int)
    parser.add_argument("--keep", action="store_true", help="leave the hosts up afterwards")
    args = parser.parse_args()
    if args.command == "down":
        down()
        return 0
    if args.command == "up":
        up(args.web_workers or 2)
        return 0
    defaults = {"faults": (1000, 50, 2), "r1": (4000, 100, 4), "smoke": (40, 10, 2)}[args.command]
    submissions = args.submissions or defaults[0]
    concurrency = args.concurrency or defaults[1]
    try:
        figures = scenario(args.command, submissions, concurrency, args.web_workers or defaults[2])
    finally:
        if not args.keep:
            down()
    failed = verdict(args.command, figures)
    figures["failed"] = failed
    (STATE.parent / f"tacenter-multihost-{args.command}.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps({k: v for k, v in figures.items() if k != "heartbeats"}, indent=1))
    print(f"== {args.command}: {'PASS' if not failed else 'FAIL: ' + '; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
