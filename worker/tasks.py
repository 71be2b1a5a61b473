"""Thin tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from tacenter import jobs
from tacenter.notifications import services as notifications
from tacenter.reports import funder


@shared_task(name=jobs.TaskNames.DELIVER_EMAIL, acks_late=True, ignore_result=True)
def deliver_email(outbox_id: int) -> str:
    """Send one outbox email if still due (the claim makes a duplicate nudge a no-op)."""
    return notifications.deliver_email(outbox_id)


@shared_task(name=jobs.TaskNames.SWEEP_OUTBOX, acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Re-nudge outbox rows the broker lost or whose worker died; retries come due here too."""
    return jobs.enqueue_deliveries(notifications.due_outbox_ids())


@shared_task(name=jobs.TaskNames.GENERATE_FUNDER_REPORT, acks_late=True, ignore_result=True)
def generate_funder_report(report_id: int) -> str:
    """Build one funder report if it is still queued (a duplicate nudge finds it taken)."""
    return funder.generate_funder_report(report_id)


@shared_task(name=jobs.TaskNames.SCHEDULED_FUNDER_REPORTS, acks_late=True, ignore_result=True)
def scheduled_funder_reports() -> int:
    """Make the last quarter's report once, and run reports whose nudge was lost."""
    return funder.run_scheduled()
