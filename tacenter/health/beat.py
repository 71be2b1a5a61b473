"""Celery beat's scheduler, writing the beat's own heartbeat from its loop.

Named by string in the Celery settings (tacenter.jobs), so `celery worker -B` and a separate
`celery beat` both use it.
"""

from __future__ import annotations

import logging
import socket
import time

from celery.beat import PersistentScheduler

log = logging.getLogger(__name__)


class HeartbeatScheduler(PersistentScheduler):
    """The usual file-backed schedule, plus a heartbeat row at most every HEARTBEAT_SECONDS
    (and it wakes at least that often, whatever else is scheduled)."""

    _last_beat = float("-inf")

    def setup_schedule(self):
        super().setup_schedule()
        from tacenter.extensions import db

        # An embedded beat is a forked process: never reuse the parent's pooled connections.
        with self.app.flask_app.app_context():
            db.engine.dispose(close=False)

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        flask_app = self.app.flask_app
        period = float(flask_app.config["HEARTBEAT_SECONDS"])
        if time.monotonic() - self._last_beat >= period:
            self._last_beat = time.monotonic()
            self._record(flask_app)
        return min(interval, period)

    @staticmethod
    def _record(flask_app) -> None:
        from tacenter.extensions import db
        from tacenter.health.services import BEAT, record_heartbeat

        with flask_app.app_context():
            try:
                record_heartbeat(BEAT, f"beat@{socket.gethostname()}")
            except Exception as exc:  # the database being away must not stop the schedule
                db.session.rollback()
                log.warning("could not record the beat's heartbeat: %s", exc)
            finally:
                db.session.remove()
