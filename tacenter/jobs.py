"""The seam to Celery: the only module that names tasks.

The web app never imports `worker`; it sends tasks by name. Work that must not be
lost is first written to the database (the outbox); a message on the broker is
only a nudge, sent after commit. If the broker is down the nudge is dropped and
the worker's periodic sweep finds the row instead.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path

from celery import Celery, Task
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class Queues:
    """Every queue a task may be sent to; the worker consumes all of them."""

    NOTIFY = "notify"
    PERIODIC = "periodic"

    ALL = (NOTIFY, PERIODIC)


class TaskNames:
    DELIVER_EMAIL = "tacenter.deliver_email"
    SWEEP_OUTBOX = "tacenter.sweep_outbox"
    DELIVER_WEBHOOK = "tacenter.deliver_webhook"
    SWEEP_WEBHOOKS = "tacenter.sweep_webhooks"
    REMIND_UNTRIAGED = "tacenter.remind_untriaged"
    REMIND_STALE = "tacenter.remind_stale"
    REMIND_WAITING = "tacenter.remind_waiting"
    REMIND_NEEDED_BY = "tacenter.remind_needed_by"
    REMIND_SURVEY = "tacenter.remind_survey"
    FOLLOW_UPS = "tacenter.follow_ups"
    DAILY_DIGESTS = "tacenter.daily_digests"
    WEEKLY_SUMMARIES = "tacenter.weekly_summaries"

    FETCH_MAIL = "tacenter.fetch_mail"

    GENERATE_FUNDER_REPORT = "tacenter.generate_funder_report"
    CHECK_IMPORT = "tacenter.check_import"
    COMMIT_IMPORT = "tacenter.commit_import"
    SCHEDULED_FUNDER_REPORTS = "tacenter.scheduled_funder_reports"
    HEARTBEAT = "tacenter.heartbeat"
    SWEEP_INACTIVE_ACCOUNTS = "tacenter.sweep_inactive_accounts"
    REFRESH_REPORT_SNAPSHOTS = "tacenter.refresh_report_snapshots"


def periodic_jobs(config) -> dict[str, tuple[str, float]]:
    """The one table of periodic jobs: beat entry -> (task, period in seconds).

    Each is a sweep over the database that is safe to run twice or overlapping (unique
    rows decide what was already sent), so a late or doubled beat loses nothing and
    sends nothing twice. No countdowns or ETAs on the broker.
    """
    remind = float(config["REMINDER_SWEEP_SECONDS"])
    digest = float(config["DIGEST_SWEEP_SECONDS"])
    jobs = {
        "sweep-outbox": (TaskNames.SWEEP_OUTBOX, float(config["OUTBOX_SWEEP_SECONDS"])),
        # Webhook deliveries: lost nudges, dead workers' claims, and retries that came due.
        "sweep-webhooks": (TaskNames.SWEEP_WEBHOOKS, float(config["OUTBOX_SWEEP_SECONDS"])),
        "remind-untriaged": (TaskNames.REMIND_UNTRIAGED, remind),
        "remind-stale": (TaskNames.REMIND_STALE, remind),
        "remind-waiting": (TaskNames.REMIND_WAITING, remind),
        "remind-needed-by": (TaskNames.REMIND_NEEDED_BY, remind),
        "remind-survey": (TaskNames.REMIND_SURVEY, remind),
        # 30/90-day follow-ups: a unique row per request and window, claimed with its email.
        "follow-ups": (TaskNames.FOLLOW_UPS, remind),
        "daily-digests": (TaskNames.DAILY_DIGESTS, digest),
        "weekly-summaries": (TaskNames.WEEKLY_SUMMARIES, digest),
        # Makes the last fiscal quarter's funder report once (a unique key) and runs any
        # report whose nudge the broker lost.
        "funder-reports": (TaskNames.SCHEDULED_FUNDER_REPORTS, 3600.0),
        # A worker's sign of life for /healthz (the beat records its own, see health/beat.py).
        "heartbeat": (TaskNames.HEARTBEAT, float(config["HEARTBEAT_SECONDS"])),
        # Unused accounts: a warning email, then deactivation (accounts/lifecycle.py).
        "inactive-accounts": (TaskNames.SWEEP_INACTIVE_ACCOUNTS, float(config["ACCOUNT_SWEEP_SECONDS"])),
        # The default dashboard and reports, recomputed for the pages to serve (reports/snapshots.py).
        "report-snapshots": (TaskNames.REFRESH_REPORT_SNAPSHOTS, float(config["REPORT_SNAPSHOT_SECONDS"])),
    }
    if config["MAIL_IN_ENABLED"]:
        # Replies by email: each message is placed once by its unique key, whoever fetches it.
        jobs["fetch-mail"] = (TaskNames.FETCH_MAIL, float(config["MAIL_IN_POLL_SECONDS"]))
    return jobs


MIN_EXPIRY_SECONDS = 10.0


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to `app` (Flask's documented pattern)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    if celery_app.conf.broker_url.startswith("filesystem"):  # the embedded default: no server
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            Path(celery_app.conf.broker_transport_options[key]).mkdir(parents=True, exist_ok=True)
    celery_app.conf.task_default_queue = Queues.NOTIFY
    celery_app.conf.beat_schedule = {
        entry: {
            "task": task,
            "schedule": seconds,
            # A run that could not start in time is dropped: the next one covers it. Expiry
            # counts from publish, and a polling broker (the filesystem transport polls each
            # second) or a loaded machine delays receipt, so short periods get a floor.
            "options": {"queue": Queues.PERIODIC, "expires": max(seconds, MIN_EXPIRY_SECONDS)},
        }
        for entry, (task, seconds) in periodic_jobs(app.config).items()
    }
    # Beat records its own heartbeat from its loop (named by string: tacenter never imports it).
    celery_app.conf.beat_scheduler = "tacenter.health.beat:HeartbeatScheduler"
    celery_app.flask_app = app
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _send(name: str, args: list, queue: str) -> bool:
    celery_app: Celery = current_app.extensions["celery"]
    try:
        celery_app.send_task(name, args=args, queue=queue)
        return True
    except Exception as exc:  # the broker is down or slow: the sweep will catch up
        log.warning("could not enqueue %s%s: %s", name, args, exc)
        return False


def after_commit_deliver(session: Session, outbox_ids: list[int]) -> None:
    """Ask for delivery of these outbox rows once the session commits."""
    session.info.setdefault("outbox_ids", []).extend(outbox_ids)


def after_commit_post(session: Session, delivery_ids: list[int]) -> None:
    """Ask for the posting of these webhook deliveries once the session commits."""
    session.info.setdefault("webhook_ids", []).extend(delivery_ids)


NUDGE_BATCH = 10  # outbox rows per message: one publish for a request's few emails, spread for a sweep's


def enqueue_deliveries(outbox_ids: list[int]) -> int:
    """Nudge the worker to deliver these outbox rows; returns how many rows were nudged."""
    batches = [outbox_ids[i : i + NUDGE_BATCH] for i in range(0, len(outbox_ids), NUDGE_BATCH)]
    return sum(len(batch) for batch in batches if _send(TaskNames.DELIVER_EMAIL, batch, Queues.NOTIFY))


def _collect_outbox_ids(session: Session, _flush_context) -> None:
    """After each flush, remember the ids of new outbox rows (nudged after commit)."""
    from tacenter.notifications.models import EmailOutbox  # the seam stays import-light
    from tacenter.webhooks.models import WebhookDelivery

    ids = [obj.id for obj in session.new if isinstance(obj, EmailOutbox)]
    if ids:
        after_commit_deliver(session, ids)
    hooks = [obj.id for obj in session.new if isinstance(obj, WebhookDelivery)]
    if hooks:
        after_commit_post(session, hooks)


def enqueue_webhooks(delivery_ids: list[int]) -> int:
    """Nudge the worker to post these webhook deliveries; returns how many were nudged."""
    batches = [delivery_ids[i : i + NUDGE_BATCH] for i in range(0, len(delivery_ids), NUDGE_BATCH)]
    return sum(len(batch) for batch in batches if _send(TaskNames.DELIVER_WEBHOOK, batch, Queues.NOTIFY))


def after_commit_generate(session: Session, report_id: int) -> None:
    """Ask the worker to generate this funder report once the session commits."""
    session.info.setdefault("funder_report_ids", []).append(report_id)


def after_commit_import(session: Session, job_id: int, *, commit: bool) -> None:
    """Ask the worker to check (or, once the admin committed, write) this import job after commit."""
    name = TaskNames.COMMIT_IMPORT if commit else TaskNames.CHECK_IMPORT
    session.info.setdefault("import_jobs", []).append((name, job_id))


def _nudge_worker(session: Session) -> None:
    for report_id in session.info.pop("funder_report_ids", []):
        _send(TaskNames.GENERATE_FUNDER_REPORT, [report_id], Queues.PERIODIC)
    for name, job_id in session.info.pop("import_jobs", []):
        _send(name, [job_id], Queues.PERIODIC)
    ids = session.info.pop("outbox_ids", [])
    if ids:
        _NUDGER.nudge(enqueue_deliveries, ids)
    hooks = session.info.pop("webhook_ids", [])
    if hooks:
        _NUDGER.nudge(enqueue_webhooks, hooks)


NUDGE_DELAY = 0.2  # seconds an email may wait so that busy moments share a publish


class _Nudger:
    """Publishes outbox nudges from a thread of its own, so a request never waits on the broker.

    The request only hands over its committed rows' ids (no I/O); the thread sends whatever has
    gathered within NUDGE_DELAY as a few messages, so under load many requests share one publish.
    Nothing depends on it: a nudge lost with its process leaves a pending row, which the outbox
    sweep sends, and the worker's conditional claim (deliver_email) sends each row once however
    often it is nudged."""

    def __init__(self):
        self.ids: queue.SimpleQueue = queue.SimpleQueue()
        self.pid = None  # a forked worker starts its own thread
        self.lock = threading.Lock()

    def nudge(self, send, ids: list[int]) -> None:
        """`send(ids)` publishes (enqueue_deliveries, enqueue_webhooks); called on the thread."""
        app = current_app._get_current_object()
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.ids = queue.SimpleQueue()
                    threading.Thread(target=self._run, args=(self.ids,), daemon=True, name="nudger").start()
                    self.pid = os.getpid()
        self.ids.put((app, send, ids))

    @staticmethod
    def _run(ids: queue.SimpleQueue) -> None:
        while True:
            batch = [ids.get()]
            time.sleep(NUDGE_DELAY)  # let the requests of the next moments join this publish
            while not ids.empty():
                batch.append(ids.get())
            by_sender: dict = {}
            for app, send, some in batch:
                by_sender.setdefault((app, send), []).extend(some)
            for (app, send), some in by_sender.items():
                try:
                    with app.app_context():
                        send(some)
                except Exception:  # never let the thread die: the sweeps cover what it missed
                    log.exception("could not nudge the worker for %s", some)


_NUDGER = _Nudger()


def _forget(session: Session) -> None:
    session.info.pop("outbox_ids", None)
    session.info.pop("funder_report_ids", None)
    session.info.pop("import_jobs", None)
    session.info.pop("webhook_ids", None)


def register_session_hooks(app: Flask) -> None:
    """After each commit of the app's session, nudge the worker for new outbox rows."""
    from tacenter.extensions import db

    hooks = (
        ("after_flush", _collect_outbox_ids),
        ("after_commit", _nudge_worker),
        ("after_rollback", _forget),
    )
    for name, fn in hooks:
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)


def request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None
