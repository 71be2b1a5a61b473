"""`make run`: each process honcho starts from Procfile.dev gets the settings it needs."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

from honcho.environ import expand_processes, parse_procfile

from tests.services import REPO


def _make_run_env(port: int) -> dict[str, str]:
    """The variables `make run` sets on its honcho command line (read from `make -n`)."""
    dry_run = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in dry_run.splitlines() if "honcho start" in line)
    env = {}
    for word in shlex.split(line):
        if "=" not in word or word.startswith("-"):
            break
        name, value = word.split("=", 1)
        env[name] = value
    return env


def _base_url_of(process_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT", "TACENTER_ENV")}
    code = "from config import get_config; print(get_config().BASE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env={**env, **process_env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_worker_under_make_run_links_emails_to_the_web_port():
    """honcho gives the worker PORT+100; its emails must still link to the web's port."""
    port = 5123
    procfile = parse_procfile((REPO / "Procfile.dev").read_text())
    make_env = _make_run_env(port)
    processes = expand_processes(procfile.processes, env=make_env, port=port)
    by_name = {p.name.split(".")[0]: p for p in processes}
    assert {"web", "worker"} <= set(by_name)
    assert by_name["worker"].env["PORT"] != str(port)  # why this test exists
    for name, process in by_name.items():
        assert _base_url_of({**make_env, **process.env}) == f"http://127.0.0.1:{port}", name
