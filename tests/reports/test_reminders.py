import datetime

import pytest

from elearning.reports.models import YearlyReminder
from elearning.reports.services import yearly_reminders_send

pytestmark = pytest.mark.django_db


def test_officers_get_their_own_draft_figures_on_20_november(
    dataset, officer, other_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = yearly_reminders_send(today=datetime.date(2026, 11, 20))
    assert sent == 2
    by_to = {m.to[0]: m for m in mailoutbox}
    mine = by_to[officer.email]
    assert "2026" in mine.subject
    assert "Huyện Xuân Lộc" in mine.body
    assert "05/12/2026" in mine.body
    assert "- Ghi danh: 6" in mine.body
    assert "- Tỷ lệ hoàn thành: 50,0 %" in mine.body
    assert "Biên Hòa" not in mine.body
    assert "- Ghi danh: 5" in by_to[other_officer.email].body


def test_no_reminder_on_other_days_and_never_twice(
    dataset, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert yearly_reminders_send(today=datetime.date(2026, 11, 19)) == 0
        assert yearly_reminders_send(today=datetime.date(2026, 11, 20)) == 2
        assert yearly_reminders_send(today=datetime.date(2026, 11, 20)) == 0
    assert len(mailoutbox) == 2
    assert YearlyReminder.objects.count() == 2


def test_the_day_is_a_setting(
    dataset, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REPORTS_REMINDER_DATE = (11, 25)
    with django_capture_on_commit_callbacks(execute=True):
        assert yearly_reminders_send(today=datetime.date(2026, 11, 20)) == 0
        assert yearly_reminders_send(today=datetime.date(2026, 11, 25)) == 2


def test_beat_runs_the_reminder_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["yearly-report-reminders"]
    assert entry["task"] == "elearning.reports.tasks.send_yearly_report_reminders"
    from elearning.reports import tasks

    assert tasks.send_yearly_report_reminders.name == entry["task"]
