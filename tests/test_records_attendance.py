"""Importing an event's attendance from a registration spreadsheet (group TA): events by number
or title (and date), organizations by external id or name; every bad row reported by row and
column; all or nothing; a re-import changes nothing; CSV and Excel read the same."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tacenter.extensions import db
from tacenter.group_ta import services
from tacenter.group_ta.models import Event, EventAttendance
from tacenter.records.columns import KINDS
from tacenter.records.services import import_file
from tests.factories import OrganizationFactory, UserFactory

HEADER = list(KINDS["attendance"].names)


@pytest.fixture
def events():
    lead, staff = UserFactory(role="lead"), UserFactory(role="staff")
    OrganizationFactory(external_id="NM-1", name="New Mexico ECECD")
    OrganizationFactory(external_id="OH-1", name="Ohio Department of Health")
    made = []
    for day in (date(2025, 10, 14), date(2025, 11, 18)):
        values = services.EventValues("DC:0-5 webinar", "training", "universal", day, "1.5", [staff.id])
        made.append(services.create_event(values, actor=lead))
    return made


def _csv(tmp_path, rows) -> str:
    import csv

    path = tmp_path / "attendance.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return str(path)


def _count() -> int:
    return db.session.scalar(select(func.count(EventAttendance.id)))


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(events, tmp_path):
    first = events[0]
    rows = [
        [str(first.id), "", "NM-1", "12", "directors"],
        ["DC:0-5 webinar", "", "OH-1", "3", ""],  # two events have this title
        ["No such webinar", "", "OH-1", "3", ""],
        ["987654", "", "OH-1", "3", ""],
        [str(first.id), "", "Atlantis agency", "3", ""],
        [str(first.id), "", "Ohio Department of Health", "a dozen", ""],
        [str(first.id), "", "OH-1", "6000", ""],
        [str(first.id), "", "New Mexico ECECD", "4", ""],  # NM-1 again, by name
    ]
    report = import_file("attendance", _csv(tmp_path, rows), commit=True)
    problems = {(row, column): message for row, column, message in report.errors}
    assert "several events" in problems[(3, "event")]
    assert "no event is titled" in problems[(4, "event")]
    assert "no event number 987654" in problems[(5, "event")]
    assert "Atlantis" in problems[(6, "organization")]
    assert "whole number" in problems[(7, "participants")]
    assert "5,000" in problems[(8, "participants")]
    assert "appears twice" in problems[(9, "organization")]
    assert report.rows == 8 and _count() == 0  # all or nothing


def test_a_good_file_records_attendance_through_the_event_rule_and_a_reimport_changes_nothing(
    events, tmp_path
):
    first, second = events
    before = db.session.get(Event, first.id).version
    rows = [
        [str(first.id), "", "NM-1", "12", "directors"],
        ["DC:0-5 webinar", "2025-11-18", "Ohio Department of Health", "3", "home visitors"],
        [f"#{first.id}", "", "oh-1 ", "5", ""],  # external ids match exactly: this is a name miss
    ]
    report = import_file("attendance", _csv(tmp_path, rows), commit=True)
    assert [(r, c) for r, c, _ in report.errors] == [(4, "organization")]
    report = import_file("attendance", _csv(tmp_path, rows[:2]), commit=True)
    assert not report.errors and report.counts["new"] == 2
    got = {(a.event_id, a.organization.external_id): (a.participant_count, a.roles)
           for a in db.session.scalars(select(EventAttendance))}  # fmt: skip
    assert got == {(first.id, "NM-1"): (12, "directors"), (second.id, "OH-1"): (3, "home visitors")}
    db.session.expire_all()
    assert db.session.get(Event, first.id).version > before  # a stale event page cannot overwrite it
    again = import_file("attendance", _csv(tmp_path, rows[:2]), commit=True)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 2}
    changed = import_file("attendance", _csv(tmp_path, [[str(first.id), "", "NM-1", "14", "directors"]]),
                          commit=True)  # fmt: skip
    assert changed.counts["changed"] == 1 and _count() == 2
    assert db.session.scalar(select(EventAttendance.participant_count).where(
        EventAttendance.event_id == first.id)) == 14  # fmt: skip


def test_an_excel_sheet_reads_like_the_csv(events, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registrations"
    sheet.append(HEADER)
    sheet.append([events[1].id, date(2025, 11, 18), "NM-1", 7, "coaches"])
    sheet.append(["DC:0-5 webinar", date(2025, 10, 14), "OH-1", 2, None])
    path = tmp_path / "attendance.xlsx"
    workbook.save(path)
    report = import_file("attendance", str(path), commit=True, sheet="Registrations")
    assert not report.errors, report.errors
    assert report.counts["new"] == 2 and _count() == 2
