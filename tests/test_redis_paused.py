"""R7: Redis unresponsive, not down (`CLIENT PAUSE ... ALL`), during intake and during delivery.

A paused Redis accepts connections and commands and answers none, which without socket
timeouts blocks a web request for the whole pause. The test pauses a redis-server of its own
(started on a free port; the machine's Redis is shared), never the machine's.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections import Counter

import pytest
import redis
from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox
from tests.conftest import DATABASE_URL, Auth, csrf_token, make_app
from tests.factories import RequesterFactory, TopicFactory
from tests.figures import FIGURES
from tests.services import WorkerProcess, free_port

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server"),
]
LIMIT_SECONDS = 2.0


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    """A redis-server of this module's own, on a free port, without persistence."""
    port, folder = free_port(), tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    admin = redis.Redis.from_url(url, socket_timeout=2)
    for _ in range(50):
        try:
            admin.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield url, admin
    process.terminate()
    process.wait(timeout=10)


def _form(client, topic_id: int, token: str) -> dict:
    return {
        "csrf_token": csrf_token(client, "/requests/new"),
        "submission_token": token,
        "title": "Screening tools for toddlers",
        "description": "We want to choose a developmental screening tool for our clinics.",
        "topic_ids": [topic_id],
        "state": "NM",
        "tier": "targeted",
        "urgency": "routine",
        "preferred_mode": "virtual_meeting",
    }


def _submit(client, topic_id: int, token: str) -> float:
    form = _form(client, topic_id, token)
    started = time.monotonic()
    response = client.post("/requests/new", data=form)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return elapsed


def _wait_all_sent(expected: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        db.session.expire_all()
        if db.session.scalar(select(func.count()).where(EmailOutbox.status == "sent")) >= expected:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def _wait_for_status(status: str, count: int, timeout: float = 30) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        db.session.expire_all()
        if db.session.scalar(select(func.count()).where(EmailOutbox.status == status)) >= count:
            return
        time.sleep(0.05)


def run_paused(own_redis, smtp_sink, tmp_path, *, pause_seconds: int, during_pause: int, in_flight: int):
    """Reports each request's latency, and asserts on the part of it spent waiting on Redis (the
    publish after commit): on a loaded 2-core machine the rest of a request can take a second."""
    from tacenter import jobs

    publish_waits: list[float] = []
    send = jobs._send

    def timed_send(*args, **kwargs):
        started = time.monotonic()
        try:
            return send(*args, **kwargs)
        finally:  # only what a request waits for: jobs' nudger thread publishes off the request
            if threading.current_thread() is threading.main_thread():
                publish_waits.append(time.monotonic() - started)

    jobs._send = timed_send
    try:
        return _run_paused(own_redis, smtp_sink, tmp_path, publish_waits, pause_seconds=pause_seconds,
                           during_pause=during_pause, in_flight=in_flight)  # fmt: skip
    finally:
        jobs._send = send


def _run_paused(own_redis, smtp_sink, tmp_path, publish_waits, *, pause_seconds, during_pause, in_flight):
    url, admin = own_redis
    admin.flushall()
    paused_app = make_app(broker_url=url)
    worker = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env={"REDIS_URL": url},
                           concurrency=2).start()  # fmt: skip
    try:
        with paused_app.app_context():
            requester, topic = RequesterFactory(), TopicFactory()
            client = paused_app.test_client()
            Auth(client).login(requester)
            baseline = [_submit(client, topic.id, f"up-{i}") for i in range(5)]
            # During delivery: requests whose emails are on their way when Redis stops answering.
            smtp_sink.delay = 0.2
            for i in range(in_flight):
                _submit(client, topic.id, f"flight-{i}")
            admin.execute_command("CLIENT", "PAUSE", str(pause_seconds * 1000), "ALL")
            paused_at = time.monotonic()
            # During intake: submissions while it is paused.
            latencies = []
            publish_waits.clear()
            for i in range(during_pause):
                latencies.append(_submit(client, topic.id, f"paused-{i}"))
            waits = list(publish_waits)
            while time.monotonic() - paused_at < pause_seconds:
                time.sleep(0.1)
            smtp_sink.delay = 0.0
            total = 5 + in_flight + during_pause
            recovery = _wait_all_sent(total, 90 + pause_seconds)
            time.sleep(3)  # more sweeps: nothing may go twice
    finally:
        worker.stop()
    db.session.expire_all()
    ids = db.session.scalars(select(EmailOutbox.id)).all()
    seen = Counter(m["Message-ID"] for m in smtp_sink.messages)
    expected = {f"<outbox-{i}@tacenter.local>" for i in ids}
    delivered = sum(1 for mid in expected if seen[mid])
    duplicated = sum(seen[mid] - 1 for mid in expected if seen[mid] > 1)
    line = (
        f"R7 Redis paused {pause_seconds} s (CLIENT PAUSE ALL): emails expected {len(ids)},"
        f" delivered {delivered}, duplicated {duplicated}; intake max {max(latencies):.2f} s over"
        f" {during_pause} requests while paused, of it waiting on Redis max {max(waits, default=0.0):.2f} s"
        f" (Redis up: request max {max(baseline):.2f} s);"
        f" all sent {recovery:.1f} s after the pause ended"
    )
    FIGURES.append(line)
    print(line)
    assert len(ids) == total, "one receipt per request"
    assert max(waits, default=0.0) < LIMIT_SECONDS, waits
    assert (delivered, duplicated) == (len(ids), 0), worker.log.read_text()[-3000:]


# Once part of `make soak` only: in one clean-clone CI run (2026-11-30) the worker consumed nothing
# for 95 s after a 5 s pause (7 of 19 emails sent). The cause was acks lost to the pause, each
# holding a prefetch slot for good (the test below); since tacenter.broker, it runs in make test.
def test_a_paused_redis_blocks_no_request_and_every_email_goes_once(own_redis, smtp_sink, tmp_path):
    run_paused(own_redis, smtp_sink, tmp_path, pause_seconds=5, during_pause=4, in_flight=10)


def test_an_ack_lost_to_a_paused_redis_does_not_stop_the_worker_consuming(own_redis, smtp_sink, tmp_path):
    """R7's 95 s of nothing in CI: a task that ended while Redis was paused could not be acked
    ("Couldn't ack ... TimeoutError") and kombu kept its tag as unacknowledged, holding one of the
    worker's prefetch slots (concurrency x 1) for good; with every slot held the worker fetched
    nothing more. Here one slot, so one lost ack is enough; the email asked for after the pause
    must still go. Worker heartbeats off: their publish retries would freeze the worker's loop for
    the pause (acking after it), which left the CI failure to chance."""
    url, admin = own_redis
    admin.flushall()
    app = make_app(broker_url=url)
    worker = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env={"REDIS_URL": url},
                           concurrency=1, extra_args=["--without-heartbeat"]).start()  # fmt: skip
    try:
        with app.app_context():
            requester, topic = RequesterFactory(), TopicFactory()
            client = app.test_client()
            Auth(client).login(requester)
            smtp_sink.delay = 1.0  # the send is under way when Redis stops answering
            _submit(client, topic.id, "before")
            _wait_for_status("sending", 1)
            admin.execute_command("CLIENT", "PAUSE", "4000", "ALL")  # the task ends, and acks, in it
            time.sleep(4.5)
            smtp_sink.delay = 0.0
            _submit(client, topic.id, "after")
            waited = _wait_all_sent(2, 30)
    finally:
        worker.stop()
    log = worker.log.read_text()
    assert "Couldn't ack" in log, "the ack did not fall in the pause: the test proved nothing"
    assert waited < 30, log[-3000:]


@pytest.mark.soak
def test_redis_paused_30_seconds_during_intake_and_delivery(own_redis, smtp_sink, tmp_path):
    run_paused(own_redis, smtp_sink, tmp_path, pause_seconds=30, during_pause=25, in_flight=40)
