"""Fixtures for attendance tests.

Page tree::

    Root
    └── home (default site)
        └── CourseIndexPage "Khóa học"
            └── CoursePage "ATTT-CB-TEST"

A class in Xuân Lộc (741) led by ``trainer`` with ``learner`` in it, and
sessions at fixed dates so tests pass ``now`` explicitly.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026, Vietnam time."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def course(db):
    from wagtail.models import Site

    from courses.models import CourseIndexPage, CoursePage

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    return index.add_child(
        instance=CoursePage(title="An toàn thông tin", slug="attt", code="ATTT-CB-TEST")
    )


@pytest.fixture
def klass(course, units, trainer):
    from courses.attendance.models import TrainingClass

    training_class = TrainingClass.objects.create(
        course=course,
        code="ATTT-XL-01",
        name="Lớp tập huấn Xuân Lộc",
        unit=units["741"],
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 10),
        capacity=30,
        min_attendance_percent=80,
        late_after_minutes=15,
        checkin_opens_minutes=30,
    )
    training_class.trainers.add(trainer)
    return training_class


@pytest.fixture
def sessions(klass):
    """Five sessions: 1, 3, 8, 10 and 15 December, 08:00–11:30."""
    from courses.attendance.models import ClassSession

    return [
        ClassSession.objects.create(
            training_class=klass,
            start=at(day, 8),
            end=at(day, 11, 30),
            topic=f"Buổi {n}",
        )
        for n, day in enumerate([1, 3, 8, 10, 15], 1)
    ]


@pytest.fixture
def member(klass, learner, province_admin):
    from courses.attendance.services import class_membership_add

    class_membership_add(training_class=klass, learner=learner, added_by=province_admin)
    return learner
