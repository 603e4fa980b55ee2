"""A known dataset for the reports (year 2026).

Xuân Lộc (741): officer, learner, x0..x(n-1)
    learner: course A completed (03/2026 → 15/04/2026), course B in progress
    x even:  course A completed 10/06/2026;  x odd: course A in progress
    x0:      course B withdrawn (never counted)
    officer: course A completed in 2025 (not counted in 2026)
Biên Hòa (731): other_officer, other_learner, y0..y(n-1)
    other_learner: course A completed 01/07/2026 (enrolled 01/06/2026)
    y*:            course B enrolled 01/08/2026, not started
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page

from courses.models import CourseIndexPage, CoursePage, Enrolment
from tests.factories import make_person

Status = Enrolment.Status


def at(y: int, m: int, d: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, 9, 0))


def enrol(learner, course, *, created, status=Status.ENROLLED, completed=None):
    enrolment = Enrolment.objects.create(learner=learner, course=course, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=created, completed_at=completed
    )
    return enrolment


@pytest.fixture
def courses(db):
    root = Page.get_first_root_node()
    if root is None:  # transactional tests flush the migration-made tree
        Locale.objects.get_or_create(language_code="vi")
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    a = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin cơ bản", slug="attt-co-ban", code="ATTT-CB"
        )
    )
    b = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin nâng cao", slug="attt-nang-cao", code="ATTT-NC"
        )
    )
    return a, b


@dataclass
class Dataset:
    n: int
    course_a: CoursePage
    course_b: CoursePage
    xuan_loc: list
    bien_hoa: list


def build_dataset(units, courses, officer, learner, other_officer, other_learner, n):
    a, b = courses
    xs = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Đỗ Văn Xuân {i}",
            email=f"x{i}@xuanloc.example.gov.vn",
        )
        for i in range(n)
    ]
    ys = [
        make_person(
            role="learner",
            unit=units["731"],
            full_name=f"Bùi Thị Hòa {i}",
            email=f"y{i}@bienhoa.example.gov.vn",
        )
        for i in range(n)
    ]
    enrol(
        learner,
        a,
        created=at(2026, 3, 10),
        status=Status.COMPLETED,
        completed=at(2026, 4, 15),
    )
    enrol(learner, b, created=at(2026, 5, 2), status=Status.IN_PROGRESS)
    enrol(
        officer,
        a,
        created=at(2025, 10, 1),
        status=Status.COMPLETED,
        completed=at(2025, 11, 1),
    )
    for i, x in enumerate(xs):
        if i % 2 == 0:
            enrol(
                x,
                a,
                created=at(2026, 2, 1),
                status=Status.COMPLETED,
                completed=at(2026, 6, 10),
            )
        else:
            enrol(x, a, created=at(2026, 2, 1), status=Status.IN_PROGRESS)
    if xs:
        enrol(xs[0], b, created=at(2026, 2, 1), status=Status.WITHDRAWN)
    enrol(
        other_learner,
        a,
        created=at(2026, 6, 1),
        status=Status.COMPLETED,
        completed=at(2026, 7, 1),
    )
    for y in ys:
        enrol(y, b, created=at(2026, 8, 1))
    return Dataset(
        n, a, b, [officer, learner, *xs], [other_officer, other_learner, *ys]
    )


@pytest.fixture
def make_dataset(units, courses, officer, learner, other_officer, other_learner):
    def make(n: int = 4) -> Dataset:
        return build_dataset(
            units, courses, officer, learner, other_officer, other_learner, n
        )

    return make


@pytest.fixture
def dataset(make_dataset):
    return make_dataset(4)
