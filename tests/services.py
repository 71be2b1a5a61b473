"""Real collaborators for tests: a local SMTP server and a Celery worker process on Redis."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parent.parent


def _redis_url_for_this_process() -> str:
    """Each pytest-xdist worker (gw0, gw1, …) gets its own Redis database below the base one, so
    one worker's flush never empties another's broker queues."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    prefix, _, number = base.rpartition("/")
    return f"{prefix}/{int(number) - int(worker.removeprefix('gw'))}"


REDIS_URL = _redis_url_for_this_process()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    """An SMTP server on loopback that keeps what it receives; can be told to refuse."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refusing = False
        # Seconds each recipient takes to accept: keeps sends in flight for fault tests. The wait
        # is before the message is accepted, as on a real server, whose window between accepting
        # (250 after DATA) and the client hearing it is short.
        self.delay = 0.0
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.refusing:
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [m for m in self.messages if predicate(m)]
            if found:
                return found
            time.sleep(0.1)
        return []

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class WorkerProcess:
    """`celery -A worker worker -B` as a child process, against the test database and Redis."""

    def __init__(
        self, database_url: str, smtp_port: int, instance: Path, *, extra_env=None, beat=True, concurrency=2,
        extra_args=(),
    ):  # fmt: skip
        self.beat, self.concurrency, self.extra_args = beat, concurrency, tuple(extra_args)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            # The web app's address in tests (config_for_tests): the worker renders some emails.
            "BASE_URL": "http://tacenter.test",
            "TACENTER_INSTANCE": str(instance),
            "OUTBOX_SWEEP_SECONDS": "1",
            "OUTBOX_LOCK_SECONDS": "5",
            "HEARTBEAT_SECONDS": "1",
            **(extra_env or {}),
        }
        self.instance = instance
        self.process: subprocess.Popen | None = None
        self.log = instance / "worker.log"

    def start(self, timeout: float = 60.0) -> WorkerProcess:
        self.instance.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker",
                "worker",
                *(["-B"] if self.beat else []),
                "-Q",
                "notify,periodic",
                "-c",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-s",
                str(self.instance / "beat-schedule"),
                *self.extra_args,
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("worker did not start:\n" + self.log.read_text()[-3000:])

    def child_pids(self) -> list[int]:
        """The pool's processes (and the embedded beat's, with -B)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def kill(self) -> None:
        """kill -9 the worker and all its children at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()


class BeatProcess:
    """A separate `celery -A worker beat` (for running two beats at once)."""

    def __init__(self, env: dict, instance: Path, name: str):
        self.env, self.instance, self.name = env, instance, name
        self.process: subprocess.Popen | None = None

    def start(self) -> BeatProcess:
        self.instance.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel=INFO",
             "-s", str(self.instance / f"{self.name}-schedule")],
            cwd=REPO,
            env=self.env,
            stdout=(self.instance / f"{self.name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
