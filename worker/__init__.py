"""The Celery worker: `celery -A worker worker -B` (beat embedded) or separate beat."""

from worker.app import celery  # noqa: F401
