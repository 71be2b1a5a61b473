"""A pytest plugin (tests/conftest.py loads it): the figures reliability tests report
(expected / delivered / duplicated), printed once at the end of the run."""

from __future__ import annotations

import os
from pathlib import Path

# What the tests append: one line each.
# Under pytest-xdist each worker writes its own to a file the controller prints.
FIGURES: list[str] = []
FIGURES_DIR = Path(__file__).resolve().parent.parent / "test-artifacts" / "figures"


def pytest_sessionstart(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        for stale in FIGURES_DIR.glob("*.txt"):
            stale.unlink()


def pytest_sessionfinish(session):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and FIGURES:
        FIGURES_DIR.mkdir(parents=True, exist_ok=True)
        (FIGURES_DIR / f"{worker}.txt").write_text("\n".join(FIGURES) + "\n")


def pytest_terminal_summary(terminalreporter):
    lines = list(FIGURES)
    for saved in sorted(FIGURES_DIR.glob("*.txt")):
        lines += saved.read_text().splitlines()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
