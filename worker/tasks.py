"""Thin tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from tacenter import jobs
from tacenter.notifications import services as notifications


@shared_task(name=jobs.TaskNames.DELIVER_EMAIL, acks_late=True, ignore_result=True)
def deliver_email(outbox_id: int) -> str:
    """Send one outbox email if still due (the claim makes a duplicate nudge a no-op)."""
    return notifications.deliver_email(outbox_id)


@shared_task(name=jobs.TaskNames.SWEEP_OUTBOX, acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Re-nudge outbox rows the broker lost or whose worker died; retries come due here too."""
    return jobs.enqueue_deliveries(notifications.due_outbox_ids())
