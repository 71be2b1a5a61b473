"""Reporting periods (federal fiscal years from October) and the scheduled funder report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tacenter.notifications.models import EmailOutbox
from tacenter.reports import funder
from tacenter.reports.models import FunderReport
from tacenter.reports.periods import fiscal_quarter, fiscal_year, last_full_quarter, parse_period
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "key, start, end",
    [
        ("fy2026", date(2025, 10, 1), date(2026, 9, 30)),
        ("fy2026q1", date(2025, 10, 1), date(2025, 12, 31)),
        ("fy2026q2", date(2026, 1, 1), date(2026, 3, 31)),
        ("fy2026q4", date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_fiscal_periods_run_october_to_september(key, start, end):
    period, error = parse_period(key, "", "", today=date(2026, 5, 1))
    assert (period.start, period.end, error) == (start, end, None)


def test_previous_periods_are_the_quarter_or_year_or_span_before():
    assert fiscal_quarter(2026, 1).previous() == fiscal_quarter(2025, 4)
    assert fiscal_year(2026).previous() == fiscal_year(2025)
    custom, _ = parse_period("custom", "2026-03-01", "2026-03-10", today=date(2026, 5, 1))
    assert (custom.previous().start, custom.previous().end) == (date(2026, 2, 19), date(2026, 2, 28))


def test_bad_periods_fall_back_to_the_current_fiscal_year_with_a_message():
    period, error = parse_period("custom", "2026-04-01", "2026-01-01", today=date(2026, 11, 2))
    assert period == fiscal_year(2027) and "on or after" in error
    assert parse_period("fy1", "", "", today=date(2026, 1, 5))[0] == fiscal_year(2026)


def test_last_full_quarter_before_a_date():
    assert last_full_quarter(date(2026, 1, 2)) == fiscal_quarter(2026, 1)
    assert last_full_quarter(date(2025, 11, 1)) == fiscal_quarter(2025, 4)


def test_the_schedule_makes_last_quarters_report_once_and_mails_leadership(db_session):
    UserFactory(role="leadership")
    now = datetime(2026, 4, 2, 12, tzinfo=UTC)
    assert funder.run_scheduled(now=now) == 1
    assert funder.run_scheduled(now=now) == 0
    report = db_session.scalar(select(FunderReport))
    assert (report.schedule_key, report.status, report.progress) == ("fy2026q2", "done", 100)
    assert report.pdf.startswith(b"%PDF")
    assert db_session.scalar(select(func.count()).select_from(FunderReport)) == 1
    mail = db_session.scalars(select(EmailOutbox).where(EmailOutbox.kind == "funder_report_ready")).all()
    assert len(mail) == 1 and "/reports/funder/" in mail[0].text_body


def test_the_beat_schedule_has_the_funder_report_entry(app):
    from tacenter.jobs import TaskNames

    schedule = app.extensions["celery"].conf.beat_schedule
    assert any(entry["task"] == TaskNames.SCHEDULED_FUNDER_REPORTS for entry in schedule.values())
