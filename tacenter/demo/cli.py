from __future__ import annotations

import click
from flask.cli import with_appcontext

from tacenter.demo.seed import DEMO_PASSWORD, seed_demo


@click.command("seed-demo")
@click.option(
    "--requests",
    "request_count",
    default=40,
    show_default=True,
    help="How many random requests to add (beyond those already there).",
)
@click.option("--seed", "random_seed", default=2026, show_default=True)
@with_appcontext
def seed_demo_command(request_count: int, random_seed: int):
    """Load demo organizations, staff, one user per role and realistic requests (idempotent)."""
    summary = seed_demo(request_count=request_count, random_seed=random_seed)
    click.echo(f"Demo data ready: {summary}. Every demo login's password is {DEMO_PASSWORD!r}.")
