import copy
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


# --- Learners: a course closing within 7 days, not completed ----------------


@pytest.fixture
def closing(dataset):
    """Course B closes on 05/10/2026; course A on 30/10/2026."""
    from courses.models import CoursePage

    CoursePage.objects.filter(pk=dataset.course_b.pk).update(
        closes_on=datetime.date(2026, 10, 5)
    )
    CoursePage.objects.filter(pk=dataset.course_a.pk).update(
        closes_on=datetime.date(2026, 10, 30)
    )
    return dataset


def _send(today, capture):
    from elearning.reports.services import course_closing_reminders_send

    with capture(execute=True):
        return course_closing_reminders_send(today=today)


def test_learners_who_have_not_completed_are_reminded_once(
    closing, learner, mailoutbox, django_capture_on_commit_callbacks
):
    from elearning.reports.models import CourseClosingReminder

    capture = django_capture_on_commit_callbacks
    # 8 days before: too early.
    assert _send(datetime.date(2026, 9, 27), capture) == 0
    # 7 days before course B: learner (in progress) and y0..y3 (enrolled);
    # x0 withdrew from it.
    assert _send(datetime.date(2026, 9, 28), capture) == 5
    to = sorted(m.to[0] for m in mailoutbox)
    assert learner.email in to
    assert "x0@xuanloc.example.gov.vn" not in to
    mine = next(m for m in mailoutbox if m.to[0] == learner.email)
    assert "An toàn thông tin nâng cao" in mine.subject
    assert "05/10/2026" in mine.body
    assert "còn 7 ngày" in mine.body
    # The next days and a second run of the same day send nothing again.
    assert _send(datetime.date(2026, 9, 28), capture) == 0
    assert _send(datetime.date(2026, 10, 1), capture) == 0
    assert len(mailoutbox) == 5
    assert CourseClosingReminder.objects.count() == 5
    # Course A: only those who have not completed it (x1, x3), never the
    # ones who did (learner, x0, x2, other_learner).
    assert _send(datetime.date(2026, 10, 25), capture) == 2
    assert sorted(m.to[0] for m in mailoutbox[5:]) == [
        "x1@xuanloc.example.gov.vn",
        "x3@xuanloc.example.gov.vn",
    ]
    # A course already closed is not reminded of.
    assert _send(datetime.date(2026, 10, 31), capture) == 0


def test_closing_reminders_are_configurable(
    closing, settings, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    settings.REPORTS_COURSE_CLOSING_DAYS = 3
    assert _send(datetime.date(2026, 9, 28), capture) == 0
    settings.REPORTS_COURSE_CLOSING_REMINDERS = False
    assert _send(datetime.date(2026, 10, 2), capture) == 0
    settings.REPORTS_COURSE_CLOSING_REMINDERS = True
    assert _send(datetime.date(2026, 10, 2), capture) == 5


def test_beat_runs_the_closing_reminder_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["course-closing-reminders"]
    assert entry["task"] == "elearning.reports.tasks.send_course_closing_reminders"
    from elearning.reports import tasks

    assert tasks.send_course_closing_reminders.name == entry["task"]


VN = datetime.timezone(datetime.timedelta(hours=7))


def test_the_reminder_day_is_20_november_in_vietnam(
    dataset, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    """00:30 on 20 November in Vietnam is still 19 November in UTC; 00:30
    on 21 November is still the 20th in UTC."""
    with django_capture_on_commit_callbacks(execute=True):
        time_machine.move_to(datetime.datetime(2026, 11, 19, 23, 59, tzinfo=VN))
        assert yearly_reminders_send() == 0
        time_machine.move_to(datetime.datetime(2026, 11, 21, 0, 30, tzinfo=VN))
        assert yearly_reminders_send() == 0
        time_machine.move_to(datetime.datetime(2026, 11, 20, 0, 30, tzinfo=VN))
        assert datetime.datetime.now(datetime.UTC).day == 19
        assert yearly_reminders_send() == 2
    # The draft figures run to the day of the reminder; the report is due
    # on 05/12 of that year.
    assert all("05/12/2026" in m.body and "20/11/2026" in m.body for m in mailoutbox)


def test_beat_sends_the_reminders_at_7_30_vietnam_time(settings, time_machine):
    from elearning.celery import app

    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    schedule = copy.copy(
        settings.CELERY_BEAT_SCHEDULE["yearly-report-reminders"]["schedule"]
    )
    schedule.app = app
    # 06:00 on 20 November in Vietnam (23:00 on the 19th in UTC), last run
    # the morning before: due in 90 minutes, at 07:30 Vietnam time.
    time_machine.move_to(datetime.datetime(2026, 11, 20, 6, 0, tzinfo=VN))
    last_run = datetime.datetime(2026, 11, 19, 7, 30, tzinfo=VN)
    assert schedule.remaining_estimate(last_run) == datetime.timedelta(minutes=90)
    due, _next = schedule.is_due(last_run)
    assert not due
    time_machine.move_to(datetime.datetime(2026, 11, 20, 7, 30, 5, tzinfo=VN))
    assert schedule.is_due(last_run)[0]
