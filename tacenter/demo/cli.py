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
@click.option("--organizations", default=0, show_default=True, help="Extra organizations, for benchmarks.")
@click.option("--staff", default=0, show_default=True, help="Extra TA staff, for benchmarks.")
@click.option("--years", default=2.0, show_default=True, help="Years of history for finished requests.")
@with_appcontext
def seed_demo_command(request_count: int, random_seed: int, organizations: int, staff: int, years: float):
    """Load demo organizations, staff, one user per role and realistic requests (idempotent)."""
    summary = seed_demo(
        request_count=request_count,
        random_seed=random_seed,
        extra_organizations=organizations,
        extra_staff=staff,
        history_days=int(years * 365),
    )
    click.echo(f"Demo data ready: {summary}. Every demo login's password is {DEMO_PASSWORD!r}.")
