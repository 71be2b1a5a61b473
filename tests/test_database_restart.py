"""R11: PostgreSQL restarted during concurrent intake (quality.md R11).

The test runs a PostgreSQL cluster of its own (initdb into a temporary folder, a free port) and
restarts it with pg_ctl while requesters submit; the machine's PostgreSQL is shared and never
touched. Each client retries a 503 after its Retry-After with the same submission token, as a
browser's resubmission would.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import Auth, csrf_token, make_app
from tests.figures import FIGURES
from tests.services import free_port

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:] or [""]
PG_BIN = Path(PG_BIN[0])
pytestmark = pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="no PostgreSQL server binaries")


class OwnPostgres:
    """A throwaway cluster: initdb, pg_ctl start/restart/stop, run as the postgres user when root."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/hardening_r11"

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "pg.log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                  action, *extra)  # fmt: skip

    def start(self) -> OwnPostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.pg_ctl("start")
        engine = sa.create_engine(self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE "hardening_r11"'))
        engine.dispose()
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop", "-m", "immediate")


@pytest.fixture(scope="module")
def own_postgres():
    folder = Path(f"/tmp/hardening-pg-{os.getpid()}")
    cluster = OwnPostgres(folder).start()
    yield cluster
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _form(client, topic_id: int, token: str) -> dict:
    return {"csrf_token": csrf_token(client, "/requests/new"), "submission_token": token,
            "title": "Screening tools for toddlers", "topic_ids": [topic_id], "state": "NM",
            "description": "We want to choose a developmental screening tool for our clinics.",
            "tier": "targeted", "urgency": "routine", "preferred_mode": "virtual_meeting"}  # fmt: skip


def run_restart_during_intake(cluster: OwnPostgres, *, clients: int, per_client: int, restarts: int):
    from flask_migrate import upgrade

    from tests.factories import RequesterFactory, TopicFactory

    # Nudges go to a closed port: refused at once, as when Redis is down (R6); the rows stay.
    app = make_app(SQLALCHEMY_DATABASE_URI=cluster.url, broker_url="redis://127.0.0.1:1/0")
    statuses: Counter = Counter()
    accepted: set[str] = set()
    missing_retry_after = []
    lock = threading.Lock()
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        topic_id = TopicFactory().id
        requesters = [SimpleNamespace(email=RequesterFactory().email) for _ in range(clients)]

    def submitter(index: int, requester) -> None:
        client = app.test_client()
        with app.app_context():
            while True:  # signing in may meet the restart too
                try:
                    Auth(client).login(requester)
                    break
                except AssertionError:
                    time.sleep(0.5)
            for n in range(per_client):
                submit(client, f"c{index}-{n}")

    def submit(client, token: str) -> None:
        for _attempt in range(60):
            try:
                response = client.post("/requests/new", data=_form(client, topic_id, token))
                status = response.status_code
            except AssertionError:  # the form page itself answered 503 (no CSRF token on it)
                status, response = 503, None
            with lock:
                statuses[status] += 1
                if status == 503 and response is not None and "Retry-After" not in response.headers:
                    missing_retry_after.append(token)
                if status == 302:
                    accepted.add(token)
                    return
            time.sleep(0.5 if status == 503 else 0.1)

    threads = [threading.Thread(target=submitter, args=(i, r)) for i, r in enumerate(requesters)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    restart_seconds = []
    for _ in range(restarts):
        deadline, wanted = time.monotonic() + 120, sum(statuses.values()) + clients * 2
        while sum(statuses.values()) < wanted and time.monotonic() < deadline:
            time.sleep(0.1)  # every client signed in and submitting
        at = time.monotonic()
        cluster.pg_ctl("restart", "-m", "fast")
        restart_seconds.append(time.monotonic() - at)
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - started
    engine = sa.create_engine(cluster.url)
    with engine.connect() as conn:
        tokens = conn.execute(sa.text("SELECT submission_token FROM ta_request")).scalars().all()
        without_history = conn.execute(sa.text(
            "SELECT count(*) FROM ta_request r WHERE NOT EXISTS"
            " (SELECT 1 FROM stage_change s WHERE s.ta_request_id = r.id)")).scalar()  # fmt: skip
        without_receipt = conn.execute(sa.text(
            "SELECT count(*) FROM ta_request r WHERE NOT EXISTS"
            " (SELECT 1 FROM notification n WHERE n.ta_request_id = r.id)")).scalar()  # fmt: skip
        conn.execute(
            sa.text("TRUNCATE ta_request, user_account, organization, topic RESTART IDENTITY CASCADE")
        )
        conn.commit()
    engine.dispose()
    with app.app_context():
        from tacenter.extensions import db

        db.engine.dispose()
    expected = clients * per_client
    line = (
        f"R11 PostgreSQL restarted x{restarts} during intake ({clients} concurrent clients, {expected}"
        f" submissions, {elapsed:.1f} s): accepted {len(accepted)}, rows {len(tokens)},"
        f" distinct {len(set(tokens))}, partial writes {without_history + without_receipt},"
        f" responses {dict(sorted(statuses.items()))}, restart took {max(restart_seconds):.1f} s"
    )
    FIGURES.append(line)
    print(line)
    assert statuses[500] == 0
    assert missing_retry_after == []
    assert len(accepted) == expected and set(tokens) == accepted and len(tokens) == len(set(tokens))
    assert without_history == 0 and without_receipt == 0
    assert statuses[503] > 0, "the restart should have met some requests"


def test_a_postgresql_restart_during_intake_loses_nothing_and_answers_503(own_postgres):
    run_restart_during_intake(own_postgres, clients=4, per_client=8, restarts=1)


@pytest.mark.soak
def test_postgresql_restarted_three_times_under_intake(own_postgres):
    run_restart_during_intake(own_postgres, clients=8, per_client=40, restarts=3)
