"""Big imports run as a worker job: progress in the job row (a reload shows it), safe to run twice."""

from __future__ import annotations

import io
import time

from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.intake.models import TARequest
from tacenter.records import services
from tacenter.records.models import ImportJob
from tests.conftest import DATABASE_URL
from tests.factories import UserFactory
from tests.services import WorkerProcess, flush_redis
from tests.test_records_import import HEADER, _request_line, center  # noqa: F401  (fixture)

ROWS = 3000


def _wait_for_status(job_id: int, statuses: set[str], timeout: float = 120.0) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(ImportJob, job_id)
        if job.status in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {job.status}: {job.step}")


def test_a_big_import_is_checked_and_written_by_the_worker(client, auth, app, center, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setitem(app.config, "IMPORT_INLINE_BYTES", 0)  # every file goes to the worker
    flush_redis()
    worker = WorkerProcess(DATABASE_URL, 0, tmp_path / "worker", beat=False,
                           extra_env={"IMPORT_DIR": app.config["IMPORT_DIR"]}).start()  # fmt: skip
    try:
        auth.login(UserFactory(role="admin"))
        lines = [HEADER] + [_request_line(external_id=f"R-{n}") for n in range(ROWS)]
        data = {"kind": "requests", "sheet": "", "upload": (io.BytesIO("\n".join(lines).encode()), "big.csv")}
        response = auth.post("/records/imports", data, content_type="multipart/form-data")
        assert response.status_code == 302
        job_page = response.location
        job_id = int(job_page.rsplit("/", 1)[1])
        assert "refreshes itself" in client.get(job_page).get_data(as_text=True)  # a reload shows progress
        job = _wait_for_status(job_id, {"checked", "failed"})
        assert (job.status, job.new_count, job.error_count) == ("checked", ROWS, 0), job.message
        assert db.session.scalar(select(func.count(TARequest.id))) == 0
        assert auth.post(f"/records/imports/{job_id}/commit", {}, form_page=job_page).status_code == 302
        job = _wait_for_status(job_id, {"done", "failed"})
        assert job.status == "done", job.message
        assert db.session.scalar(select(func.count(TARequest.id))) == ROWS
        assert client.get(f"/records/imports/{job_id}/status.json").get_json()["status"] == "done"
    finally:
        worker.stop()
    # A second delivery of either task finds the job taken and does nothing.
    assert services.check_import(job_id) == "not waiting"
    assert services.write_import(job_id) == "not waiting"
    assert db.session.scalar(select(func.count(TARequest.id))) == ROWS
