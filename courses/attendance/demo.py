"""Demo data: a class of the demo course with sessions, a trainer and
learners. Idempotent.

The people seeder owns the demo accounts and the courses seeder the demo
course; this one runs after both.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from courses.demo_content import COURSE as DEMO_COURSE
from courses.models import CoursePage
from elearning.people.demo import demo_users
from elearning.people.models import AdministrativeUnit, Role

from .models import TrainingClass
from .services import class_membership_add, class_sessions_create_weekly

CLASS_CODE = "ATTT-XL-DEMO"


def _unit(code: str) -> AdministrativeUnit:
    # District units ended on 01/07/2025; the demo uses the 2018 list as is.
    return AdministrativeUnit.objects.filter(code=code).latest("valid_from")


def _course() -> CoursePage:
    return CoursePage.objects.get(code=DEMO_COURSE["code"])


def seed(*, stdout, style) -> None:
    course = _course()
    trainer = demo_users(Role.TRAINER)[0]
    admin = demo_users(Role.ADMIN)[0]
    learners = demo_users(Role.LEARNER, unit_code="741")
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
