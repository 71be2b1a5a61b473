"""`flask audit-verify` and `flask audit-archive`."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from tacenter.audit.chain import archive_before, verify_chain
from tacenter.audit.services import Action, record_event
from tacenter.db import utcnow
from tacenter.extensions import db


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Check the audit log's hash chain; exit 1 naming the first bad row."""
    verdict = verify_chain(db.session)
    if not verdict.ok:
        raise click.ClickException(
            f"Audit chain broken at event {verdict.bad_event_id}: {verdict.reason} "
            f"({verdict.checked} events before it verified)."
        )
    click.echo(f"Audit chain verified: {verdict.checked} events.")


@click.command("audit-archive")
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Archive events before this date (UTC). Default: the retention period ago.",
)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def audit_archive_command(before, file):
    """Write events older than BEFORE to FILE (CSV) and remove them; the chain stays verifiable."""
    years = current_app.config["AUDIT_RETENTION_YEARS"]
    cutoff = (
        before.replace(tzinfo=UTC)
        if before
        else datetime.combine(date.today() - timedelta(days=round(365.25 * years)), datetime.min.time(), UTC)
    )
    if not verify_chain(db.session).ok:
        raise click.ClickException("The audit chain does not verify; run audit-verify before archiving.")
    with open(file, "x", newline="", encoding="utf-8") as out:  # never overwrite an archive
        checkpoint = archive_before(db.session, cutoff, out)
    if checkpoint is None:
        os.remove(file)
        click.echo(f"No events before {cutoff.date()}.")
        return
    # Written and closed before the rows go: a failed commit leaves a file, never a loss.
    record_event(
        Action.AUDIT_ARCHIVED,
        object_type="audit_archive",
        object_ref=f"through event {checkpoint.through_event_id}",
        detail=f"{checkpoint.event_count} events before {cutoff.date()}",
        now=utcnow(),
    )
    db.session.commit()
    click.echo(f"Archived {checkpoint.event_count} events before {cutoff.date()} to {file}.")
