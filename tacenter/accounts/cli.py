from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from tacenter.accounts import services
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.vocab import STATES, Role


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_name", help="Organization (requesters); created if new.")
@click.option(
    "--org-state", default="DC", type=click.Choice(sorted(STATES)), help="State of a new organization."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
@with_appcontext
def create_user_command(email, name, role, org_name, org_state, password_stdin):
    """Create a user; the organization is created if it is new."""
    password = sys.stdin.readline().rstrip("\n")
    try:
        org = services.get_or_create_organization(org_name, state=org_state) if org_name else None
        user = services.create_user(email, name, role, password, organization=org)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")
