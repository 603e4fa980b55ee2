"""A session that runs past midnight: an evening class 22:00–01:00.

Planned from the weekly form, it ends the next day; a learner checking in
after midnight is on time or late by the session's own start; the pages and
the sign-in sheet show both days; it counts once, on the day it started."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.attendance import tokens
from courses.attendance.models import AttendanceRecord, ClassSession
from courses.attendance.selectors import attendance_requirement
from courses.attendance.services import (
    attendance_check_in,
    class_sessions_create_weekly,
)
from courses.services import enrolment_create

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(klass):
    """Thursday 31/12/2026 22:00 – Friday 01/01/2027 01:00."""
    (session,) = class_sessions_create_weekly(
        training_class=klass,
        weekdays=[3],
        start_time=datetime.time(22, 0),
        end_time=datetime.time(1, 0),
        first_day=datetime.date(2026, 12, 31),
        last_day=datetime.date(2026, 12, 31),
        topic="Diễn tập ứng cứu sự cố ban đêm",
    )
    return session


def test_an_end_time_before_the_start_ends_the_next_day(evening):
    start, end = timezone.localtime(evening.start), timezone.localtime(evening.end)
    assert (start.date(), start.hour) == (datetime.date(2026, 12, 31), 22)
    assert (end.date(), end.hour) == (datetime.date(2027, 1, 1), 1)
    assert evening.ends_another_day
    assert end - start == datetime.timedelta(hours=3)


def test_equal_start_and_end_times_are_refused(klass):
    with pytest.raises(ValidationError, match="khác giờ bắt đầu"):
        class_sessions_create_weekly(
            training_class=klass,
            weekdays=[1],
            start_time=datetime.time(8, 0),
            end_time=datetime.time(8, 0),
            first_day=datetime.date(2026, 12, 1),
            last_day=datetime.date(2026, 12, 15),
        )
    assert not ClassSession.objects.exists()


def test_the_weekly_form_plans_an_overnight_session(client, klass, trainer):
    client.force_login(trainer)
    response = client.post(
        reverse("attendance:sessions_bulk", kwargs={"code": klass.code}),
        {
            "weekdays": ["4"],
            "start_time": "19:00",
            "end_time": "00:30",
            "first_day": "04/12/2026",
            "last_day": "04/12/2026",
        },
    )
    assert response.status_code == 302
    (session,) = ClassSession.objects.all()
    assert timezone.localtime(session.end) == at(5, 0, 30)


def test_check_in_after_midnight_is_late_not_closed(evening, member):
    after_midnight = at(31, 22, 0) + datetime.timedelta(hours=2, minutes=30)
    token = tokens.make_token(session_id=evening.pk, now=after_midnight)
    result = attendance_check_in(
        session=evening, learner=member, token=token, now=after_midnight
    )
    assert (result.ok, result.code) == (True, "late")
    closed = evening.end + datetime.timedelta(minutes=1)
    again = attendance_check_in(
        session=evening,
        learner=member,
        token=tokens.make_token(session_id=evening.pk, now=closed),
        now=closed,
    )
    # After the end nothing more is taken; the record made stays.
    assert again.code == "closed"
    assert (
        AttendanceRecord.objects.get(session=evening, learner=member).status == "late"
    )


def test_it_counts_once_the_session_has_started(
    evening, member, course, province_admin, time_machine
):
    enrolment = enrolment_create(learner=member, course=course, actor=province_admin)
    time_machine.move_to(at(31, 21, 0), tick=False)
    before = attendance_requirement(enrolment)
    assert before.progress == (0, 1) and before.changes_at == evening.start
    time_machine.move_to(at(31, 23, 30), tick=False)
    token = tokens.make_token(session_id=evening.pk, now=timezone.now())
    assert attendance_check_in(
        session=evening, learner=member, token=token, now=timezone.now()
    ).ok
    # Past midnight, in the new year, the session still counts.
    time_machine.move_to(at(31, 23, 30) + datetime.timedelta(hours=1), tick=False)
    assert attendance_requirement(enrolment).done


def test_pages_and_sign_in_sheet_show_both_days(client, klass, evening, trainer):
    client.force_login(trainer)
    kwargs = {"code": klass.code, "session_id": evening.pk}
    detail = client.get(
        reverse("attendance:class_detail", kwargs={"code": klass.code})
    ).content.decode()
    assert "22:00–01/01/2027 01:00" in detail
    roster = client.get(reverse("attendance:roster", kwargs=kwargs)).content.decode()
    assert "31/12/2026 · 22:00–01/01/2027 01:00" in roster
    pdf = client.get(reverse("attendance:sign_in_sheet", kwargs=kwargs))
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "22:00" in text and "01:00 01/01/2027" in text
