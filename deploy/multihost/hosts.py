"""Each role's process, started inside its host's namespace with the production settings.

PostgreSQL and Redis are their own instances (initdb/pg_ctl, redis-server) listening only on
their namespace's address, with their sockets and data under the run's folder: the machine's
own PostgreSQL and Redis are never touched. The app processes run the same commands as the
systemd units in deploy/systemd, with the environment of deploy/env/*.env.example filled in.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from deploy.multihost import net

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"
STATE = Path(os.environ.get("MULTIHOST_DIR", "/tmp/tacenter-multihost"))
PROCS: dict[str, subprocess.Popen] = {}


def keys() -> dict:
    """The run's secrets, made once per run folder (never the machine's or a real one)."""
    path = STATE / "secrets.json"
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        values = {name: secrets.token_urlsafe(36) for name in ("secret_key", "db", "redis")}
        path.write_text(json.dumps(values))
        path.chmod(0o600)
    return json.loads(path.read_text())


def database_url() -> str:
    return f"postgresql+psycopg://tacenter:{keys()['db']}@{net.ip_of('db')}:5432/tacenter"


def redis_url() -> str:
    return f"redis://:{keys()['redis']}@{net.ip_of('redis')}:6379/0"


def app_env(host: str, **extra: str) -> dict:
    """deploy/env/common.env.example, filled in for this run, plus fast periods for the faults."""
    instance = STATE / host / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    shared = STATE / "shared"
    return {
        "PATH": f"{BIN}:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(STATE / host),
        "LANG": "C.UTF-8",
        "TACENTER_ENV": "production",
        "SECRET_KEY": keys()["secret_key"],
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url(),
        "MAIL_SERVER": net.ip_of("mail"),
        "MAIL_PORT": "25",
        "MAIL_IN_ENABLED": "0",
        "BASE_URL": f"https://{net.ip_of('proxy')}",
        "PROXY_COUNT": "1",
        "FORWARDED_ALLOW_IPS": net.ip_of("proxy"),
        "TACENTER_INSTANCE": str(instance),
        "UPLOAD_DIR": str(shared / "uploads"),
        "IMPORT_DIR": str(shared / "imports"),
        # Short periods so the run sees sweeps, heartbeats and reclaimed rows within minutes.
        "OUTBOX_SWEEP_SECONDS": "5",
        "OUTBOX_LOCK_SECONDS": "30",
        "HEARTBEAT_SECONDS": "5",
        "REMINDER_SWEEP_SECONDS": "10",
        # The webhook receiver is on the mail host, a private address of the run's own network.
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
        **extra,
    }


def spawn(name: str, host: str, argv: list[str], *, env=None, hostname=None, cwd=REPO) -> subprocess.Popen:
    log = STATE / host / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        net.exec_argv(host, argv, hostname=hostname),
        cwd=cwd,
        env=env or {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    PROCS[name] = proc
    return proc


def kill(name: str, sig: int = signal.SIGKILL) -> None:
    """Signal the whole process group of one role (the host "dies")."""
    proc = PROCS.get(name)
    if proc and proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_port(host: str, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    probe = f"import socket; socket.create_connection(('{net.ip_of(host)}', {port}), 1).close()"
    while time.monotonic() < deadline:
        if (
            subprocess.run(
                net.exec_argv("client", [sys.executable, "-c", probe]), capture_output=True
            ).returncode
            == 0
        ):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{host}:{port} did not answer; see {STATE / host}")


def start_redis() -> None:
    folder = STATE / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "redis.conf"
    conf.write_text(
        f'bind {net.ip_of("redis")}\nport 6379\nrequirepass {keys()["redis"]}\nsave ""\nappendonly no\n'
        f"dir {folder}\nprotected-mode yes\n"
    )
    conf.chmod(0o600)
    spawn("redis", "redis", ["redis-server", str(conf)])
    wait_port("redis", 6379)


HOOK_PORT = 8080


def hook_url() -> str:
    return f"http://{net.ip_of('mail')}:{HOOK_PORT}/tacenter"


def start_mail() -> None:
    """The mail host: an SMTP sink, and the webhook receiver (one JSON line per delivery each)."""
    folder = STATE / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("received.jsonl", "webhooks.jsonl"):
        (folder / name).write_text("")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO)}
    argv = [str(BIN / "python"), "-m", "deploy.multihost.smtp_sink", net.ip_of("mail"), "25"]
    spawn("mail", "mail", [*argv, str(folder / "received.jsonl")], env=env)
    hook_argv = [str(BIN / "python"), "-m", "deploy.multihost.hook_sink", net.ip_of("mail"), str(HOOK_PORT)]
    spawn("hooks", "mail", [*hook_argv, str(folder / "webhooks.jsonl"), str(folder / "hook-secret")], env=env)
    wait_port("mail", 25)
    wait_port("mail", HOOK_PORT)


def migrate_and_seed(accounts: int, orgs: int, reminders: int) -> dict:
    env = app_env("web1")

    def run(argv):
        return subprocess.run(
            net.exec_argv("web1", argv), cwd=REPO, env=env, check=True, capture_output=True, text=True
        )

    run([str(BIN / "flask"), "--app", "tacenter", "db", "upgrade"])
    seed_argv = [str(BIN / "python"), "-m", "deploy.multihost.seed", str(accounts), str(orgs), str(reminders)]
    out = run([*seed_argv, hook_url(), str(STATE / "mail" / "hook-secret")])
    return json.loads(out.stdout.strip().splitlines()[-1])


def web_argv(workers: int) -> list[str]:
    """The command of deploy/systemd/tacenter-web.service."""
    return [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        "0.0.0.0:8000",
        "--timeout",
        "30",
        "--graceful-timeout",
        "20",
        "--max-requests",
        "0",
        "tacenter:create_app()",
    ]


def start_web(host: str, workers: int) -> None:
    spawn(host, host, web_argv(workers), env=app_env(host), hostname=host)
    wait_port(host, 8000)


def start_worker(host: str, concurrency: int = 2) -> None:
    """The command of deploy/systemd/tacenter-worker.service."""
    argv = [
        str(BIN / "celery"),
        "-A",
        "worker",
        "worker",
        "-Q",
        "notify,periodic",
        "-c",
        str(concurrency),
        "-n",
        f"{host}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    spawn(host, host, argv, env=app_env(host), hostname=host)


def start_beat() -> None:
    """The command of deploy/systemd/tacenter-beat.service: its schedule file stays on the host,
    so a restarted beat knows what it last ran."""
    env = app_env("beat")
    argv = [
        str(BIN / "celery"),
        "-A",
        "worker",
        "beat",
        "--loglevel",
        "INFO",
        "-s",
        str(Path(env["TACENTER_INSTANCE"]) / "celerybeat-schedule"),
    ]
    spawn("beat", "beat", argv, env=env, hostname="beat")


def gunicorn_children(host: str) -> list[int]:
    """The worker processes of the gunicorn master that runs in host's namespace."""
    out = net.sh("ip", "netns", "pids", net.ns(host), check=False).stdout.split()
    for pid in out:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parent = Path(f"/proc/{ppid}/cmdline")
        if b"gunicorn" in b" ".join(cmd) and parent.exists() and b"gunicorn" in parent.read_bytes():
            yield int(pid)


def kill_namespace_processes() -> None:
    """Every process still running in one of the run's namespaces, by id (down, even after a crash)."""
    for name in net.existing():
        for pid in net.sh("ip", "netns", "pids", name, check=False).stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
