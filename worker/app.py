"""Worker entry point: one Flask app, its Celery app, and the tasks."""

from tacenter import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

import worker.tasks  # noqa: E402,F401  (registers the tasks)
