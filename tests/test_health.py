"""/healthz tells a monitor whether workers and beat are alive, not only the web."""

from __future__ import annotations

import time
from datetime import timedelta

from tacenter.db import utcnow
from tacenter.health.services import BEAT, WORKER, record_heartbeat


def _health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.get_json()


def test_healthz_with_no_worker_or_beat_ever_seen_is_degraded(client):
    status, report = _health(client)
    assert status == 200  # the web serves: a load balancer keeps it
    assert report == {
        "status": "degraded",
        "database": "ok",
        "broker": "ok",
        "workers": "none",
        "beat": "none",
    }


def test_healthz_with_old_heartbeats_reports_them_stale(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "HEARTBEAT_STALE_SECONDS", 300)
    long_ago = utcnow() - timedelta(seconds=301)
    record_heartbeat(WORKER, "celery@gone", now=long_ago)
    record_heartbeat(BEAT, "beat@gone", now=long_ago)
    status, report = _health(client)
    assert (report["status"], report["workers"], report["beat"]) == ("degraded", "stale", "stale")
    # One live worker among dead ones is enough.
    record_heartbeat(WORKER, "celery@alive")
    record_heartbeat(BEAT, "beat@gone")
    status, report = _health(client)
    assert (status, report["status"], report["workers"], report["beat"]) == (200, "ok", "ok", "ok")


def _wait_for(client, predicate, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        _, report = _health(client)
        if predicate(report) or time.monotonic() > deadline:
            return report
        time.sleep(0.5)


def test_healthz_reports_a_running_worker_and_beat_ok_then_stale_when_stopped(
    client, app, worker, monkeypatch
):
    report = _wait_for(client, lambda r: r["workers"] == "ok" and r["beat"] == "ok", timeout=20)
    assert report == {"status": "ok", "database": "ok", "broker": "ok", "workers": "ok", "beat": "ok"}
    worker.stop()
    monkeypatch.setitem(app.config, "HEARTBEAT_STALE_SECONDS", 3)
    report = _wait_for(client, lambda r: r["workers"] == "stale", timeout=15)
    assert (report["status"], report["workers"], report["beat"]) == ("degraded", "stale", "stale")
