"""R9: long tasks against the broker's visibility timeout (quality.md R9).

A message not acknowledged within the visibility timeout is handed to a second worker while the
first still runs it (acks_late). So every task's hard time limit must end before it, and a task
that overruns its soft limit must be retried without ever running twice at once.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

import config
from tacenter import jobs
from tests.conftest import DATABASE_URL
from tests.figures import FIGURES
from tests.services import WorkerProcess, flush_redis


@pytest.fixture(scope="module")
def celery_app(app):
    import worker.tasks  # noqa: F401  (registers the tasks on the app's Celery)

    return app.extensions["celery"]


def _tacenter_tasks(celery_app) -> dict:
    return {name: task for name, task in celery_app.tasks.items() if name.startswith("tacenter.")}


def test_every_task_name_is_registered(celery_app):
    names = {v for k, v in vars(jobs.TaskNames).items() if not k.startswith("_")}
    assert names == set(_tacenter_tasks(celery_app))


def test_every_tasks_time_limits_end_before_the_visibility_timeout(celery_app):
    conf = celery_app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility == config.REDIS_TRANSPORT_OPTIONS["visibility_timeout"]  # what production uses
    too_long = {}
    for name, task in _tacenter_tasks(celery_app).items():
        hard = task.time_limit or conf.task_time_limit
        soft = task.soft_time_limit or conf.task_soft_time_limit
        if not (hard and soft and soft < hard < visibility):
            too_long[name] = (soft, hard)
    assert too_long == {}, f"soft < hard < visibility timeout ({visibility} s) fails for {too_long}"


def test_no_periodic_job_waits_in_the_queue_past_the_visibility_timeout(app, celery_app):
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    assert all(entry["options"]["expires"] < visibility or entry["schedule"] >= visibility
               for entry in celery_app.conf.beat_schedule.values())  # fmt: skip
    for entry in celery_app.conf.beat_schedule.values():
        assert "countdown" not in entry["options"] and "eta" not in entry["options"]


def test_a_claimed_email_is_not_retried_while_its_task_may_still_run(app, celery_app):
    """The outbox sweep retries a row left 'sending' after OUTBOX_LOCK_SECONDS: not before the
    delivering task's hard limit has surely ended it."""
    task = celery_app.tasks[jobs.TaskNames.DELIVER_EMAIL]
    assert app.config["OUTBOX_LOCK_SECONDS"] >= (task.time_limit or celery_app.conf.task_time_limit)


def _tries(log_text: str) -> dict[str, list[tuple[float, float, str]]]:
    """task id -> [(start, end, how it ended)] for each try."""
    open_tries, tries = {}, defaultdict(list)
    for line in log_text.splitlines():
        event, task_id, attempt, at, _pid = line.split()
        if event == "start":
            open_tries[(task_id, attempt)] = float(at)
        else:
            tries[task_id].append((open_tries.pop((task_id, attempt)), float(at), event))
    assert open_tries == {}, f"tries that never ended: {open_tries}"
    return tries


@pytest.mark.worker
def test_a_task_overrunning_its_soft_limit_is_retried_and_never_runs_twice_at_once(app, smtp_sink, tmp_path):
    flush_redis()
    log = tmp_path / "probe.log"
    log.touch()
    worker = WorkerProcess(
        DATABASE_URL,
        smtp_sink.port,
        tmp_path / "w",
        beat=False,
        concurrency=4,
        extra_env={"PROBE_LOG": str(log)},
        extra_args=["--include", "tests.worker_probe"],
    )
    worker.start()  # fmt: skip
    try:
        celery_app = app.extensions["celery"]
        ids = [celery_app.send_task("tests.overrun", queue=jobs.Queues.NOTIFY).id for _ in range(3)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and log.read_text().count("done") < 3:
            time.sleep(0.2)
        time.sleep(2)  # anything running twice would show by now
    finally:
        worker.stop()
    tries = _tries(log.read_text())
    assert set(tries) == set(ids)
    overlaps = 0
    for spans in tries.values():
        spans.sort()
        assert [how for *_, how in spans] == ["overran", "overran", "done"]
        overlaps += sum(1 for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1])
    total = sum(map(len, tries.values()))
    FIGURES.append(
        f"R9 soft-limit overrun: 3 tasks, {total} tries (2 overran each), overlaps per task id {overlaps}"
    )
    assert overlaps == 0
