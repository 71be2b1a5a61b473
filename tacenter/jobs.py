"""The seam to Celery: the only module that names tasks.

The web app never imports `worker`; it sends tasks by name. Work that must not be
lost is first written to the database (the outbox); a message on the broker is
only a nudge, sent after commit. If the broker is down the nudge is dropped and
the worker's periodic sweep finds the row instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

from celery import Celery, Task
from celery.schedules import crontab
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
    GENERATE_FUNDER_REPORT = "tacenter.generate_funder_report"
    SCHEDULED_FUNDER_REPORTS = "tacenter.scheduled_funder_reports"


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
        "sweep-outbox": {
            "task": TaskNames.SWEEP_OUTBOX,
            "schedule": float(app.config["OUTBOX_SWEEP_SECONDS"]),
            "options": {"queue": Queues.PERIODIC},
        },
        # Daily: makes the last fiscal quarter's funder report once (a unique key) and runs
        # any report whose nudge the broker lost.
        "funder-reports": {
            "task": TaskNames.SCHEDULED_FUNDER_REPORTS,
            "schedule": crontab(minute=15, hour=6),
            "options": {"queue": Queues.PERIODIC},
        },
    }
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


def enqueue_deliveries(outbox_ids: list[int]) -> int:
    """Nudge the worker to deliver these outbox rows; returns how many nudges went out."""
    return sum(_send(TaskNames.DELIVER_EMAIL, [i], Queues.NOTIFY) for i in outbox_ids)


def after_commit_generate(session: Session, report_id: int) -> None:
    """Ask the worker to generate this funder report once the session commits."""
    session.info.setdefault("funder_report_ids", []).append(report_id)


def _nudge_worker(session: Session) -> None:
    for report_id in session.info.pop("funder_report_ids", []):
        _send(TaskNames.GENERATE_FUNDER_REPORT, [report_id], Queues.PERIODIC)
    ids = session.info.pop("outbox_ids", [])
    if ids:
        enqueue_deliveries(ids)


def _forget(session: Session) -> None:
    session.info.pop("outbox_ids", None)
    session.info.pop("funder_report_ids", None)


def register_session_hooks(app: Flask) -> None:
    """After each commit of the app's session, nudge the worker for new outbox rows."""
    from tacenter.extensions import db

    for name, fn in (("after_commit", _nudge_worker), ("after_rollback", _forget)):
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)


def request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None
