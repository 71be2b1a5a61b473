"""The faults of a scenario, each fired once the load has passed a share of its submissions, and
the sampler that counts beat processes across every host."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

from deploy.multihost import hosts, net
from deploy.multihost.hosts import BIN, REPO, STATE


def client(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        net.exec_argv("client", [str(BIN / "python"), "-m", *argv]),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )


def beat_processes() -> int:
    count = 0
    for name in net.existing():
        for pid in net.sh("ip", "netns", "pids", name, check=False).stdout.split():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.endswith(b"celery") for part in cmd) and b"beat" in cmd:
                count += 1
    return count


class Faults:
    """The scenario's faults, each fired once the load has passed a share of its submissions."""

    def __init__(self, scenario: str, submissions: int):
        self.total, self.log, self.later = submissions, [], []
        self.max_beats, self.throttle, self.throttle_thread = 0, None, None
        steps = {
            "faults": [
                (0.05, self.check_throttle),
                (0.15, self.kill_web2),
                (0.30, self.restart_web2),
                (0.35, self.kill_worker1),
                (0.45, self.cut_worker2),
                (0.60, self.restart_beat),
            ],
            "r1": [(0.25, self.kill_gunicorn_child), (0.60, self.kill_gunicorn_child)],
            "smoke": [(0.3, self.kill_web2), (0.7, self.restart_web2)],
        }
        self.steps = steps[scenario]

    def note(self, what: str) -> None:
        self.log.append((round(time.time(), 1), what))
        print(f"  [{time.strftime('%H:%M:%S')}] {what}", flush=True)

    def check_throttle(self) -> None:
        """In the background: under load each of its 22 requests waits its turn at the nodes."""
        self.throttle_thread = threading.Thread(target=self._throttle)
        self.throttle_thread.start()
        self.note("sign-in throttle check started (10 wrong passwords, then the right one)")

    def _throttle(self) -> None:
        out = STATE / "client" / "throttle.json"
        client(
            "deploy.multihost.load",
            "throttle",
            "--base",
            f"https://{net.ip_of('proxy')}",
            "--ca",
            str(STATE / "proxy" / "ca.pem"),
            "--out",
            str(out),
            "--email",
            "lead@multihost.test",
            "--password",
            json.loads((STATE / "seed.json").read_text())["password"],
        )
        self.throttle = json.loads(out.read_text())
        self.note(
            f"sign-in throttle: {[a['status'] for a in self.throttle['answers']]} "
            f"via {self.throttle['nodes']}"
        )

    def kill_web2(self) -> None:
        hosts.kill("web2")
        self.note("web2: gunicorn killed (SIGKILL, master and workers)")

    def restart_web2(self) -> None:
        hosts.start_web("web2", self.web_workers)
        self.note("web2: gunicorn started again")

    def kill_worker1(self) -> None:
        hosts.kill("worker1")
        self.note("worker1: celery killed (SIGKILL, whole host)")
        self.later.append(
            (
                time.monotonic() + 5,
                lambda: (hosts.start_worker("worker1"), self.note("worker1: celery started again")),
            )
        )

    def cut_worker2(self) -> None:
        net.cut_off("worker2", "redis")
        self.note("worker2: cut off from redis (nft drop, both ways)")
        self.later.append(
            (
                time.monotonic() + 30,
                lambda: (net.reconnect("worker2"), self.note("worker2: reconnected to redis")),
            )
        )

    def restart_beat(self) -> None:
        hosts.kill("beat", signal.SIGTERM)
        self.note("beat: stopped (SIGTERM)")
        self.later.append(
            (time.monotonic() + 3, lambda: (hosts.start_beat(), self.note("beat: started again")))
        )

    def kill_gunicorn_child(self) -> None:
        children = list(hosts.gunicorn_children("web1"))
        if children:
            subprocess.run(["kill", "-9", str(children[0])], check=False)
        self.note(f"web1: gunicorn worker {children[:1]} killed (SIGKILL)")

    def tick(self, done: int) -> None:
        while self.steps and done >= self.steps[0][0] * self.total:
            self.steps.pop(0)[1]()
        for item in [x for x in self.later if x[0] <= time.monotonic()]:
            self.later.remove(item)
            item[1]()
        self.max_beats = max(self.max_beats, beat_processes())
