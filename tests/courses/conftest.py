"""Course page tree for tests.

Root
└── Home (default site root)
    └── CourseIndexPage "khoa-hoc"
        └── CoursePage (code ATTT-01) ── LessonPage × n
"""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage, LessonPage


def make_lessons(course, n: int, start: int = 1):
    lessons = []
    for i in range(start, start + n):
        lesson = LessonPage(
            title=f"Bài {i}",
            slug=f"bai-{i}",
            body=[
                ("paragraph", f"<p>Nội dung bài {i}.</p>"),
                ("callout", {"kind": "tip", "text": "<p>Mẹo</p>"}),
            ],
        )
        course.add_child(instance=lesson)
        lessons.append(lesson)
    return lessons


def make_course(index, *, code="ATTT-01", title="An toàn thông tin cơ bản", **kw):
    kw.setdefault("enrolment_policy", CoursePage.EnrolmentPolicy.OPEN)
    course = CoursePage(title=title, slug=code.lower(), code=code, **kw)
    index.add_child(instance=course)
    return course


@pytest.fixture
def catalogue(db):
    site = Site.objects.get(is_default_site=True)
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    site.root_page.add_child(instance=index)
    return index


@pytest.fixture
def course(catalogue):
    course = make_course(catalogue, enrolment_policy=CoursePage.EnrolmentPolicy.OPEN)
    make_lessons(course, 3)
    return course


@pytest.fixture
def lessons(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


__all__ = ["Page", "make_course", "make_lessons", "studied"]


def studied(learner, *lessons):
    """Record that ``learner`` studied each of ``lessons`` long enough (page
    visible for the lesson's minimum, its video watched), as the heartbeats
    of the lesson page would have: ``lesson_complete`` then accepts them."""
    from django.utils import timezone

    from courses.models import LessonStudy

    now = timezone.now()
    for lesson in lessons:
        LessonStudy.objects.update_or_create(
            learner=learner,
            lesson=lesson,
            defaults={
                "first_opened_at": now,
                "last_beat_at": now,
                "seconds_visible": lesson.study_seconds_required,
                "video_seconds": 60,
                "video_duration": 60,
            },
        )
