"""Thin tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from tacenter import jobs
from tacenter.accounts import lifecycle
from tacenter.health import services as health
from tacenter.mailin import fetch as mailin
from tacenter.notifications import services as notifications
from tacenter.outcomes import follow_ups
from tacenter.records import services as records
from tacenter.reminders import digests
from tacenter.reminders import services as reminders
from tacenter.reports import funder, kept_views
from tacenter.webhooks import services as webhooks

PERIODIC = {"acks_late": True, "ignore_result": True}


@shared_task(name=jobs.TaskNames.DELIVER_EMAIL, acks_late=True, ignore_result=True)
def deliver_email(*outbox_ids: int) -> list[str]:
    """Send these outbox emails if still due (the claim makes a duplicate nudge a no-op)."""
    return [notifications.deliver_email(outbox_id) for outbox_id in outbox_ids]


@shared_task(name=jobs.TaskNames.SWEEP_OUTBOX, **PERIODIC)
def sweep_outbox() -> int:
    """Re-nudge outbox rows the broker lost or whose worker died; retries come due here too."""
    return jobs.enqueue_deliveries(notifications.due_outbox_ids())


@shared_task(name=jobs.TaskNames.DELIVER_WEBHOOK, acks_late=True, ignore_result=True)
def deliver_webhook(*delivery_ids: int) -> list[str]:
    """Post these webhook deliveries if still due (the claim makes a duplicate nudge a no-op)."""
    return [webhooks.deliver(delivery_id) for delivery_id in delivery_ids]


@shared_task(name=jobs.TaskNames.SWEEP_WEBHOOKS, **PERIODIC)
def sweep_webhooks() -> int:
    """Re-nudge webhook deliveries that are due: lost nudges, dead workers, retries."""
    return jobs.enqueue_webhooks(webhooks.due_delivery_ids())


def _sweep(name: str) -> dict:
    return dict(reminders.run_sweep(name))


@shared_task(name=jobs.TaskNames.REMIND_UNTRIAGED, **PERIODIC)
def remind_untriaged() -> dict:
    """Leads: requests past their first-response or assignment target."""
    return _sweep("untriaged")


@shared_task(name=jobs.TaskNames.REMIND_STALE, **PERIODIC)
def remind_stale() -> dict:
    """The assignee, then the leads: assigned requests with no activity."""
    return _sweep("stale")


@shared_task(name=jobs.TaskNames.REMIND_WAITING, **PERIODIC)
def remind_waiting() -> dict:
    """The requester: a nudge, then the close as unanswered."""
    return _sweep("waiting")


@shared_task(name=jobs.TaskNames.REMIND_NEEDED_BY, **PERIODIC)
def remind_needed_by() -> dict:
    """The assignee and leads: needed-by dates near or passed."""
    return _sweep("needed_by")


@shared_task(name=jobs.TaskNames.REMIND_SURVEY, **PERIODIC)
def remind_survey() -> dict:
    """The requester: one reminder of the unanswered survey."""
    return _sweep("survey")


@shared_task(name=jobs.TaskNames.FOLLOW_UPS, **PERIODIC)
def send_follow_ups() -> dict:
    """Requesters: the 30/90-day follow-ups, one reminder, then the lapse (exactly once each)."""
    return dict(follow_ups.run_follow_ups())


@shared_task(name=jobs.TaskNames.DAILY_DIGESTS, **PERIODIC)
def daily_digests() -> int:
    """Each user's daily digest, once per local day."""
    return digests.send_daily_digests()


@shared_task(name=jobs.TaskNames.WEEKLY_SUMMARIES, **PERIODIC)
def weekly_summaries() -> int:
    """Leadership's weekly summary, once per ISO week."""
    return digests.send_weekly_summaries()


@shared_task(name=jobs.TaskNames.GENERATE_FUNDER_REPORT, acks_late=True, ignore_result=True)
def generate_funder_report(report_id: int) -> str:
    """Build one funder report if it is still queued (a duplicate nudge finds it taken)."""
    return funder.generate_funder_report(report_id)


@shared_task(name=jobs.TaskNames.SCHEDULED_FUNDER_REPORTS, acks_late=True, ignore_result=True)
def scheduled_funder_reports() -> int:
    """Make the last quarter's report once, and run reports whose nudge was lost."""
    return funder.run_scheduled()


@shared_task(bind=True, name=jobs.TaskNames.HEARTBEAT, **PERIODIC)
def heartbeat(self) -> None:
    """Record that this worker ran a periodic job just now (read by /healthz)."""
    health.record_heartbeat(health.WORKER, self.request.hostname or "worker")


@shared_task(name=jobs.TaskNames.FETCH_MAIL, **PERIODIC)
def fetch_mail() -> dict:
    """Place the mailbox's new messages (each once, by its key), then move them out of the inbox."""
    return mailin.fetch_mail()


# Long jobs: well under the broker's visibility timeout (600 s), so no second copy starts.
IMPORT = {"acks_late": True, "ignore_result": True, "time_limit": 560, "soft_time_limit": 540}


@shared_task(name=jobs.TaskNames.CHECK_IMPORT, **IMPORT)
def check_import(job_id: int) -> str:
    """Check an uploaded file's rows (the preview) if the job still waits for it."""
    return records.check_import(job_id)


@shared_task(name=jobs.TaskNames.COMMIT_IMPORT, **IMPORT)
def commit_import(job_id: int) -> str:
    """Write a committed import, all or nothing, if it still waits for it."""
    return records.write_import(job_id)


@shared_task(name=jobs.TaskNames.SWEEP_INACTIVE_ACCOUNTS, **PERIODIC)
def sweep_inactive_accounts() -> dict:
    """Warn unused accounts by email, then deactivate them and end their sessions."""
    return lifecycle.sweep_inactive_accounts()


@shared_task(name=jobs.TaskNames.REFRESH_REPORT_SNAPSHOTS, **PERIODIC)
def refresh_report_snapshots() -> dict:
    """Recompute the default dashboard and reports (a late or doubled run only refreshes them again)."""
    return kept_views.refresh()
