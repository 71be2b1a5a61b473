"""Counts from the database and the mail sink after a run (run on the client host).

python -m deploy.multihost.figures DATABASE_URL SINK_FILE LOAD_RESULT RUN_PREFIX OUTBOX_BASELINE
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import psycopg


def figures(dsn: str, sink: Path, load: dict, run: str, baseline: int) -> dict:
    dsn = dsn.replace("postgresql+psycopg://", "postgresql://")
    accepted = load["accepted"]
    with psycopg.connect(dsn) as conn:
        q = lambda sql, *p: conn.execute(sql, p).fetchall()  # noqa: E731
        rows = q(
            "SELECT submission_token, reference, organization_id FROM ta_request "
            "WHERE submission_token LIKE %s",
            run + "-%",
        )
        wrong_org = q(
            "SELECT count(*) FROM ta_request r JOIN user_account u ON u.id = r.requester_id "
            "WHERE r.submission_token LIKE %s AND r.organization_id <> u.organization_id",
            run + "-%",
        )[0][0]
        request_outbox = q(
            "SELECT count(DISTINCT o.ta_request_id) FROM email_outbox o JOIN ta_request r "
            "ON r.id = o.ta_request_id WHERE r.submission_token LIKE %s "
            "AND o.kind = 'request_received'",
            run + "-%",
        )[0][0]
        outbox = q("SELECT id, status, kind FROM email_outbox WHERE id > %s", baseline)
        reminders = q("SELECT count(*), count(DISTINCT (ta_request_id, kind, episode)) FROM reminder_sent")[0]
        beats = [r[0] for r in q("SELECT name FROM service_heartbeat WHERE kind = 'beat' ORDER BY name")]
        workers = [r[0] for r in q("SELECT name FROM service_heartbeat WHERE kind = 'worker' ORDER BY name")]
        hooks = q(
            "SELECT d.message_id, d.status FROM webhook_delivery d "
            "JOIN ta_request r ON r.id = d.ta_request_id WHERE r.submission_token LIKE %s",
            run + "-%",
        )
    by_token = {t: (ref, org) for t, ref, org in rows}
    missing_refs = [t for t, a in accepted.items() if by_token.get(t, (None,))[0] != a["reference"]]
    bad_org = [t for t, a in accepted.items() if t in by_token and by_token[t][1] != a["org_id"]]
    received = [json.loads(line) for line in sink.read_text().splitlines() if line.strip()]
    seen = Counter(line["id"] for line in received)
    first_at = {}
    for line in received:
        first_at.setdefault(line["id"], line["at"])
    expected = {i: f"<outbox-{i}@tacenter.local>" for i, _s, _k in outbox}
    kinds = Counter(k for _i, _s, k in outbox)
    reminder_ids = {i for i, _s, k in outbox if k == "reminder"}
    status = Counter(s for _i, s, _k in outbox)
    delivered = sum(1 for mid in expected.values() if seen[mid])
    duplicated = sum(seen[mid] - 1 for mid in expected.values() if seen[mid] > 1)
    fives = [a for a in load["attempts"] if a["status"] >= 500 or a["status"] == 0]
    return {
        "R1": {
            "submissions": load["submissions"],
            "concurrency": load["concurrency"],
            "accounts": load["accounts"],
            "seconds": load["seconds"],
            "p50_ms": load["p50_ms"],
            "p95_ms": load["p95_ms"],
            "accepted_tokens": len(accepted),
            "rows": len(rows),
            "rows_equal_accepted": len(rows) == len(accepted),
            "accepted_reference_missing": len(missing_refs),
            "wrong_org_rows": wrong_org + len(bad_org),
            "resubmits": load["resubmits"],
            "failed_tokens": load["failed_tokens"][:10],
            "receipts_in_outbox": request_outbox,
            "http_5xx_or_refused_attempts": dict(Counter(a["status"] for a in fives)),
            "attempts_by_node": dict(Counter(a["node"] for a in load["attempts"])),
        },
        "sessions": {
            "lost": load["session_lost"],
            "accounts_served_by_both_nodes": load["accounts_served_by_both_nodes"],
        },
        "email": {
            "outbox_rows": len(expected),
            "by_kind": dict(kinds),
            "status": dict(status),
            "delivered_once_or_more": delivered,
            "duplicated": duplicated,
            "missing": len(expected) - delivered,
            # When each duplicated email's first copy arrived (to trace it to a worker kill).
            "duplicates_first_at": [first_at[mid] for mid in expected.values() if seen[mid] > 1],
        },
        "reminders": {
            "reminder_sent_rows": reminders[0],
            "distinct_episodes": reminders[1],
            "reminder_emails": len(reminder_ids),
            "delivered": sum(1 for i in reminder_ids if seen[expected[i]]),
            "duplicated": sum(seen[expected[i]] - 1 for i in reminder_ids if seen[expected[i]] > 1),
        },
        "heartbeats": {"beat": beats, "workers": workers},
        "webhooks": webhook_figures(hooks, sink.parent / "webhooks.jsonl"),
    }


def webhook_figures(deliveries: list, received: Path) -> dict:
    """Each delivery row against what the receiver on the mail host got, by webhook-id."""
    lines = [json.loads(line) for line in received.read_text().splitlines() if line.strip()]
    seen = Counter(line["id"] for line in lines)
    ids = [message_id for message_id, _status in deliveries]
    return {
        "delivery_rows": len(ids),
        "status": dict(Counter(status for _id, status in deliveries)),
        "delivered_once_or_more": sum(1 for i in ids if seen[i]),
        "duplicated": sum(seen[i] - 1 for i in ids if seen[i] > 1),
        "missing": sum(1 for i in ids if not seen[i]),
        "signature_failed": sum(1 for line in lines if not line["verified"]),
    }


if __name__ == "__main__":
    dsn, sink, load, run, baseline = sys.argv[1:6]
    print(json.dumps(figures(dsn, Path(sink), json.loads(Path(load).read_text()), run, int(baseline))))
