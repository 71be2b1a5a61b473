"""`flask --app tacenter two-factor-rotate-keys`: re-encrypt TOTP secrets with the newest key."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from tacenter.twofactor.services import rotate_encryption_key


@click.command("two-factor-rotate-keys")
@with_appcontext
def rotate_keys_command():
    """Re-encrypt every TOTP secret with the first of TWO_FACTOR_ENCRYPTION_KEYS (then the
    older keys can be removed from the setting)."""
    click.echo(f"Re-encrypted {rotate_encryption_key()} authenticator secrets with the newest key.")
