"""`flask import-records KIND FILE [--commit]` and `flask export-records ARCHIVE`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tacenter.errors import DomainError
from tacenter.records.columns import KINDS


@click.command("import-records")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--sheet", default="", help="The sheet to read, in a workbook with several.")
@click.option("--commit", is_flag=True, help="Write the rows (all or nothing); without it, only check.")
@with_appcontext
def import_records_command(kind: str, path: str, sheet: str, commit: bool) -> None:
    """Check a CSV or Excel file of KIND records, and with --commit write it."""
    from tacenter.records.services import import_file

    try:
        report = import_file(kind, path, commit=commit, sheet=sheet)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    for number, column, message in report.errors:
        click.echo(f"row {number}, {column or 'row'}: {message}", err=True)
    counts = report.counts
    summary = f"{report.rows} rows: {counts['new']} new, {counts['changed']} changed, "
    summary += f"{counts['unchanged']} unchanged"
    if report.error_count:
        raise click.ClickException(f"{summary}; {report.error_count} problems. Nothing was written.")
    click.echo(f"{summary}. {'Written.' if commit else 'Checked only: add --commit to write.'}")


@click.command("export-records")
@click.argument("archive", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_records_command(archive: str) -> None:
    """Write every record to ARCHIVE (a zip: a CSV per kind and records.xlsx)."""
    from tacenter.records.export import write_archive

    counts = write_archive(archive)
    click.echo(", ".join(f"{kind}: {n}" for kind, n in counts.items()))
