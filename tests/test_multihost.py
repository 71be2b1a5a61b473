"""The multi-host smoke (deploy/multihost): ten network namespaces, 40 submissions through nginx
to two gunicorn nodes while web2's gunicorn is killed; every row, email and reminder once.

Needs root, iproute2, nginx and PostgreSQL's server binaries; `make multihost` runs the long
scenarios (R1 at full size and the faults)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("nginx") or not shutil.which("ip"),
        reason="needs root, nginx and iproute2 (make multihost-packages)",
    ),  # fmt: skip
    # The run brings its own PostgreSQL: once per `make soak` is enough.
    pytest.mark.skipif(BACKEND == "postgresql", reason="runs its own database; run once, under SQLite"),
]


@pytest.mark.timeout(600)
def test_smoke_every_submission_saved_once_while_a_web_host_dies():
    result = subprocess.run([sys.executable, "-m", "deploy.multihost.run", "smoke"], cwd=REPO,
                            capture_output=True, text=True, timeout=580)  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads(Path("/tmp/tacenter-multihost-smoke.json").read_text())
    r1 = figures["R1"]
    assert r1["rows"] == r1["accepted_tokens"] == 40
    assert figures["sessions"]["lost"] == 0
    assert (figures["email"]["missing"], figures["email"]["duplicated"]) == (0, 0)
    assert any("web2: gunicorn killed" in what for _at, what in figures["faults"])
    assert subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.count("tcmh-") == 0
