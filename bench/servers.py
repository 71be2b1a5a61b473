"""The bench's processes: gunicorn servers, their CPU time, wrk, and a database reset to a template.

Server CPU is user + sys of the gunicorn master and its workers (from /proc), read before and
after each wrk run: the steady unit on a shared machine, where requests/s moves with whatever
else runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
KEPT_DIR = REPO / "bench" / ".kept"  # templates kept with --keep-template (git-ignored)
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pids(master: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [master, *map(int, children)]


def cpu_seconds(proc: subprocess.Popen) -> float:
    """user + sys seconds of a gunicorn master and its live workers."""
    total = 0
    for pid in _pids(proc.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / TICK


def rss_mb(proc: subprocess.Popen) -> list[float]:
    sizes = []
    for pid in _pids(proc.pid)[1:]:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(status.split("VmRSS:")[1].split()[0]) / 1024)
    return sizes


def start(cmd: list[str], env: dict, port: int, log: Path, health: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=5).read()
            return proc
        except Exception:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"{cmd[0]} did not start: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def wrk(url: str, *, method: str, cookie: str, token: str, form: str, connections: int, threads: int,
        duration: int, timeout: int) -> dict:  # fmt: skip
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            f"{timeout}s",
            "-s",
            str(REPO / "bench" / "load.lua"),
            url,
            "--",
            method,
            cookie,
            token,
            form,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=duration + timeout + 60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Database:
    """A seeded template and the copy the servers use, reset from the template between rounds."""

    def __init__(self, kind: str, workdir: Path, admin_url: str, prefix: str, kept: str = ""):
        """`kept`: a name for a template kept after the run and reused by the next one with the
        same name (a file in KEPT_DIR, or a database PREFIX_kept_NAME); empty: made and dropped."""
        self.kind, self.kept = kind, kept
        self.seeded = False
        if kind == "sqlite":
            template = KEPT_DIR / f"{kept}.sqlite" if kept else workdir / "template.sqlite"
            self.seeded = template.exists()
            self.template_url = f"sqlite:///{template}"
            self.url = f"sqlite:///{workdir / 'bench.sqlite'}"
            return
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        template = f"{prefix}_kept_{kept}" if kept else f"{prefix}_tmpl_{os.getpid()}"
        self.names = (template, f"{prefix}_run_{os.getpid()}")
        base = admin_url.rsplit("/", 1)[0]
        self.template_url, self.url = (f"{base}/{name}" for name in self.names)
        with self.admin.connect() as conn:
            found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template})
            self.seeded = found.first() is not None
        if not self.seeded:
            self._sql(f'CREATE DATABASE "{self.names[0]}"')

    def _sql(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(statement))

    def reset(self) -> None:
        """The servers' database becomes a fresh copy of the template (servers stopped)."""
        if self.kind == "sqlite":
            run = Path(self.url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{run}{suffix}").unlink(missing_ok=True)
            template = Path(self.template_url.removeprefix("sqlite:///"))
            with sa.create_engine(self.template_url).connect() as conn:  # fold the WAL in
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(template, run)
            return
        self._sql(f'DROP DATABASE IF EXISTS "{self.names[1]}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.names[1]}" TEMPLATE "{self.names[0]}"')

    def drop(self) -> None:
        if self.kind != "sqlite":
            for name in reversed(self.names[1:] if self.kept else self.names):
                self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
