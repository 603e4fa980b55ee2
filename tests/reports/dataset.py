"""A known dataset for the reports (year 2026).

Xuân Lộc (741): officer, learner, x0..x(n-1)
    learner: course A completed (03/2026 → 15/04/2026), course B in progress
    x even:  course A completed 10/06/2026;  x odd: course A in progress
    x0:      course B withdrawn (never counted)
    officer: course A completed in 2025 (not counted in 2026)
Biên Hòa (731): other_officer, other_learner, y0..y(n-1)
    other_learner: course A completed 01/07/2026 (enrolled 01/06/2026)
    y*:            course B enrolled 01/08/2026, not started

Quizzes, classes and certificates (``add_records``; x0..x2 when they exist):
    final quiz of course A (graded): learner failed then passed, x0 passed,
    x1 failed, other_learner passed; x2's attempt is still open and x1
    passed a practice quiz that does not count
        → Xuân Lộc 2/3 (66,7 %), Biên Hòa 1/1, province 3/4 (75,0 %)
    class ATTT-XL-2026 (course A, Xuân Lộc, 3 sessions in 03/2026 plus one
    in 12/2025), members learner, x0, x1:
        learner present, late, absent; x0 present, excused (not counted by
        this class), not marked; x1 present, present, not marked
        → 5 of 9 (55,6 %)
    class ATTT-BH-2026 (course B, Biên Hòa, 2 sessions in 09/2026),
    member other_learner: present, absent → 1 of 2 (50,0 %)
        → province 6 of 11 (54,5 %); classes held: 1 + 1
    trainer (no unit, so never among the learners) leads both classes and
    marked the Xuân Lộc sessions: 2 classes, 5 sessions, 3 marked
    certificates (course A): learner 15/04/2026, x0 10/06/2026,
    other_learner 01/07/2026, officer 01/11/2025 (last year), x2 10/06/2026
    revoked (never counted) → Xuân Lộc 2, Biên Hòa 1, province 3
    categories: learner "Cán bộ", x1 "Viên chức", everyone else "Công chức"
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page

from certificates.demo import seed_issuers
from certificates.models import Certificate, CertificateSeries, Issuer
from courses.attendance.models import (
    AttendanceRecord,
    ClassMembership,
    ClassSession,
    TrainingClass,
)
from courses.models import CourseIndexPage, CoursePage, Enrolment
from elearning.people.models import StaffCategory, StaffProfile
from quizzes.models import Attempt, QuizPage
from tests.factories import StaffProfileFactory, UserFactory, make_person

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
    trainer: object = None


def attempt(learner, quiz, number, *, day, passed, state="submitted"):
    started = at(*day)
    return Attempt.objects.create(
        learner=learner,
        quiz=quiz,
        number=number,
        started_at=started,
        deadline=started + datetime.timedelta(minutes=20),
        submitted_at=None if state == "in_progress" else started,
        state=state,
        score=None if passed is None else (90 if passed else 40),
        passed=passed,
    )


def session(training_class, *day):
    start = at(*day)
    return ClassSession.objects.create(
        training_class=training_class,
        start=start,
        end=start + datetime.timedelta(hours=3),
    )


def mark(session_, learner, status, by=None):
    return AttendanceRecord.objects.create(
        session=session_,
        learner=learner,
        status=status,
        method="trainer",
        recorded_by=by,
        recorded_at=session_.start,
    )


def issuer_on(moment):
    """The issuer of a certificate issued at ``moment`` (seeded if a flush
    took the migration's rows)."""
    day = timezone.localdate(moment)
    return Issuer.objects.valid_on(day).first() or next(
        i
        for i in seed_issuers()
        if i.valid_from <= day and (i.valid_to is None or day <= i.valid_to)
    )


def certificate(learner, course, series, n, issued, *, revoked=False):
    return Certificate.objects.create(
        number=series.format_number(n),
        series=series,
        issuer=issuer_on(issued),
        sequence=n,
        learner=learner,
        course=course,
        full_name=learner.profile.full_name,
        unit_name=(series.unit or learner.profile.unit).full_name,
        course_title=course.title,
        issued_at=issued,
        token=f"token-{series.pk}-{n}",
        short_code=f"C{series.pk:03d}{n:06d}",
        status="revoked" if revoked else "valid",
        revoked_at=issued + datetime.timedelta(days=5) if revoked else None,
    )


def add_records(units, a, b, officer, learner, other_learner, xs):
    """Quiz attempts, classes and attendance, certificates (see above)."""
    StaffProfile.objects.filter(user=learner).update(category=StaffCategory.CAN_BO)
    if len(xs) > 1:
        StaffProfile.objects.filter(user=xs[1]).update(category=StaffCategory.VIEN_CHUC)
    final = a.add_child(
        instance=QuizPage(title="Bài kiểm tra cuối khóa", slug="kiem-tra-cuoi-khoa")
    )
    practice = a.add_child(
        instance=QuizPage(
            title="Luyện tập", slug="luyen-tap", counts_for_completion=False
        )
    )
    attempt(learner, final, 1, day=(2026, 4, 1), passed=False)
    attempt(learner, final, 2, day=(2026, 4, 10), passed=True)
    attempt(other_learner, final, 1, day=(2026, 6, 20), passed=True)
    attempt(officer, final, 1, day=(2025, 10, 20), passed=True)
    if len(xs) > 1:
        attempt(xs[0], final, 1, day=(2026, 6, 1), passed=True)
        attempt(xs[1], final, 1, day=(2026, 6, 1), passed=False)
        attempt(xs[1], practice, 1, day=(2026, 6, 1), passed=True)
    if len(xs) > 2:
        attempt(xs[2], final, 1, day=(2026, 6, 2), passed=None, state="in_progress")

    trainer = UserFactory(email="giang.vt@lop.example.gov.vn", role="trainer")
    StaffProfileFactory(user=trainer, full_name="Võ Thị Giang", unit=None, agency=None)
    xl = TrainingClass.objects.create(
        course=a,
        code="ATTT-XL-2026",
        name="Lớp ATTT Xuân Lộc 2026",
        unit=units["741"],
        start_date=datetime.date(2025, 12, 1),
        end_date=datetime.date(2026, 3, 31),
    )
    bh = TrainingClass.objects.create(
        course=b,
        code="ATTT-BH-2026",
        name="Lớp ATTT Biên Hòa 2026",
        unit=units["731"],
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    xl.trainers.add(trainer)
    bh.trainers.add(trainer)
    xl_members = [learner, *xs[:2]]
    for person in xl_members:
        ClassMembership.objects.create(training_class=xl, learner=person)
    ClassMembership.objects.create(training_class=bh, learner=other_learner)
    old = session(xl, 2025, 12, 15)
    s1, s2, s3 = (
        session(xl, 2026, 3, 2),
        session(xl, 2026, 3, 9),
        session(xl, 2026, 3, 16),
    )
    mark(old, learner, "present", trainer)
    for s_, status in zip((s1, s2, s3), ("present", "late", "absent"), strict=True):
        mark(s_, learner, status, trainer)
    if len(xs) > 1:
        mark(s1, xs[0], "present", trainer)
        mark(s2, xs[0], "excused", trainer)
        mark(s1, xs[1], "present", trainer)
        mark(s2, xs[1], "present", trainer)
    b1, b2 = session(bh, 2026, 9, 7), session(bh, 2026, 9, 14)
    mark(b1, other_learner, "present")
    mark(b2, other_learner, "absent")

    xl_series = CertificateSeries.objects.create(unit=units["741"], year=2026)
    bh_series = CertificateSeries.objects.create(unit=units["731"], year=2026)
    old_series = CertificateSeries.objects.create(unit=units["741"], year=2025)
    certificate(learner, a, xl_series, 1, at(2026, 4, 15))
    certificate(other_learner, a, bh_series, 1, at(2026, 7, 1))
    certificate(officer, a, old_series, 1, at(2025, 11, 1))
    if len(xs) > 2:
        certificate(xs[0], a, xl_series, 2, at(2026, 6, 10))
        certificate(xs[2], a, xl_series, 3, at(2026, 6, 10), revoked=True)
    return trainer


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
    trainer = add_records(units, a, b, officer, learner, other_learner, xs)
    return Dataset(
        n, a, b, [officer, learner, *xs], [other_officer, other_learner, *ys], trainer
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
