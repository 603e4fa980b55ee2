"""Demo data: a class of the demo course with sessions, a trainer and
learners. Idempotent.

The people and courses seeders own the demo accounts and the demo course;
when they have not made them (yet), this seeder makes the minimum it needs:
the course page under the catalogue, and the accounts below by email.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import CourseIndexPage, CoursePage
from elearning.people.models import AdministrativeUnit, Agency, StaffProfile, User

from .models import TrainingClass
from .services import class_membership_add, class_sessions_create_weekly

COURSE_TITLE = "Kỹ năng cơ bản bảo đảm an toàn thông tin cho cán bộ, công chức"
CLASS_CODE = "ATTT-XL-DEMO"
DEMO_PASSWORD = "HocTrucTuyen@2026"  # noqa: S105 (printed demo credential)
TRAINER = ("giangvien@demo.example.gov.vn", "Võ Thị Giang", "trainer", "75")
ADMIN = ("quantri@demo.example.gov.vn", "Hoàng Văn Hải", "admin", "75")
LEARNERS = [
    ("hocvien@demo.example.gov.vn", "Nguyễn Văn An", "learner", "741"),
    ("hocvien2@demo.example.gov.vn", "Trần Thị Bích Ngọc", "learner", "741"),
    ("hocvien3@demo.example.gov.vn", "Lê Minh Đức", "learner", "741"),
    ("hocvien4@demo.example.gov.vn", "Phạm Thị Ánh", "learner", "741"),
]


def _unit(code: str) -> AdministrativeUnit:
    # District units ended on 01/07/2025; the demo uses the 2018 list as is.
    return AdministrativeUnit.objects.filter(code=code).latest("valid_from")


def _person(email, full_name, role, unit_code, stdout) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD)
        user.is_staff = role != "learner"
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        stdout.write(f"  account {email} / {DEMO_PASSWORD} ({role}) created")
    user.groups.add(Group.objects.get(name=role))
    if not StaffProfile.objects.filter(user=user).exists():
        unit = _unit(unit_code)
        agency, _created = Agency.objects.get_or_create(
            unit=unit, name=f"Văn phòng HĐND và UBND {unit.full_name}"
        )
        StaffProfile.objects.create(
            user=user, full_name=full_name, unit=unit, agency=agency
        )
    return user


def _course(stdout) -> CoursePage:
    course = CoursePage.objects.filter(title=COURSE_TITLE).first()
    if course is not None:
        return course
    index = CourseIndexPage.objects.first()
    if index is None:
        from wagtail.models import Site

        root = Site.objects.get(is_default_site=True).root_page
        index = root.add_child(
            instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc")
        )
    course = index.add_child(
        instance=CoursePage(
            title=COURSE_TITLE,
            slug="ky-nang-co-ban-attt",
            code="ATTT-CB-2026",
            summary="Nhận biết và phòng tránh các nguy cơ mất an toàn thông tin "
            "thường gặp khi làm việc trên máy tính và điện thoại.",
        )
    )
    stdout.write("  demo course page created (the courses seeder had not made it)")
    return course


def seed(*, stdout, style) -> None:
    course = _course(stdout)
    trainer = _person(*TRAINER, stdout)
    admin = _person(*ADMIN, stdout)
    learners = [_person(*row, stdout) for row in LEARNERS]
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    klass, created = TrainingClass.objects.get_or_create(
        code=CLASS_CODE,
        defaults={
            "course": course,
            "name": "Lớp tập huấn an toàn thông tin – huyện Xuân Lộc",
            "unit": _unit("741"),
            "start_date": monday,
            "end_date": monday + datetime.timedelta(days=13),
            "place": "Hội trường UBND huyện Xuân Lộc",
            "capacity": 40,
        },
    )
    klass.trainers.add(trainer)
    if created:
        # Tuesdays and Thursdays for two weeks: some held, some to come.
        class_sessions_create_weekly(
            training_class=klass,
            weekdays=[1, 3],
            start_time=datetime.time(8, 0),
            end_time=datetime.time(11, 30),
            first_day=monday,
            last_day=monday + datetime.timedelta(days=13),
            topic="An toàn thông tin cơ bản",
        )
    for learner in learners:
        class_membership_add(training_class=klass, learner=learner, added_by=admin)
    stdout.write(
        f"Training class {klass.code}: {klass.sessions.count()} sessions, "
        f"{klass.memberships.count()} learners (trainer {trainer.email})"
    )
