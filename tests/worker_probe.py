"""A task the R9 test loads into a real worker (`celery worker --include tests.worker_probe`).

It overruns its soft time limit on its first two tries and asks to be retried; each try writes a
start and an end line to PROBE_LOG, so the test can prove tries of one task never overlapped.
Not imported by the app.
"""

from __future__ import annotations

import os
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

SOFT_LIMIT, HARD_LIMIT, OVERRUNS = 1, 4, 2


def _log(event: str, task_id: str, attempt: int) -> None:
    with open(os.environ["PROBE_LOG"], "a") as log:
        log.write(f"{event} {task_id} {attempt} {time.time():.3f} {os.getpid()}\n")


@shared_task(
    bind=True, name="tests.overrun", acks_late=True, ignore_result=True,
    soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT, max_retries=OVERRUNS,
)  # fmt: skip
def overrun(self) -> str:
    attempt = self.request.retries
    _log("start", self.request.id, attempt)
    try:
        if attempt < OVERRUNS:
            time.sleep(SOFT_LIMIT + 2)  # past the soft limit, inside the hard one
        _log("done", self.request.id, attempt)
        return "done"
    except SoftTimeLimitExceeded:
        _log("overran", self.request.id, attempt)
        raise self.retry(countdown=1) from None
