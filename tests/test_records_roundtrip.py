"""Export, import into an empty database, export again: the same files. Re-imports change nothing."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from tacenter.records.columns import ORDER
from tacenter.records.export import write_archive
from tacenter.records.services import import_file
from tests.database import empty_tables
from tests.records_data import build_center


def _export() -> dict[str, bytes]:
    buffer = io.BytesIO()
    write_archive(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheets(data: bytes) -> dict[str, list]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def _import_all(files: dict[str, bytes], tmp_path) -> dict[str, dict]:
    counts = {}
    for kind in ORDER:
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(files[f"{kind}.csv"])
        report = import_file(kind, str(path), commit=True)
        assert report.error_count == 0, (kind, report.errors)
        counts[kind] = report.counts
    return counts


def test_export_then_import_into_an_empty_database_then_export_gives_identical_files(tmp_path):
    build_center()
    first = _export()
    assert b"'=Four Corners" in first["organizations.csv"]  # a formula-like name is kept as text
    assert first["activities.csv"].count(b"\r\n") == 2  # header and the one activity not deleted
    empty_tables()
    _import_all(first, tmp_path)
    second = _export()
    for kind in ORDER:
        assert second[f"{kind}.csv"] == first[f"{kind}.csv"], kind
    assert _sheets(second["records.xlsx"]) == _sheets(first["records.xlsx"])


def test_reimporting_the_same_files_changes_nothing(tmp_path):
    build_center()
    files = _export()
    empty_tables()
    _import_all(files, tmp_path)
    before = _export()
    again = _import_all(files, tmp_path)
    assert all(c["new"] == 0 and c["changed"] == 0 for c in again.values()), again
    assert _export()["requests.csv"] == before["requests.csv"]
    assert {k: v for k, v in _export().items() if k.endswith(".csv")} == {
        k: v for k, v in before.items() if k.endswith(".csv")
    }
