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
# Weekly sessions on the weekday the demo is seeded, relative to that day:
# three held (the trainer marks them from the roster), one running today
# (QR check-in), one to come. Four of five reach the class's 80 %.
SESSION_WEEKS = (-3, -2, -1, 0, 1)
SESSION_HOURS = (datetime.time(7, 30), datetime.time(17, 0))


def _unit(code: str) -> AdministrativeUnit:
    # District units ended on 01/07/2025; the demo uses the 2018 list as is.
    return AdministrativeUnit.objects.filter(code=code).latest("valid_from")


def _course() -> CoursePage:
    return CoursePage.objects.get(code=DEMO_COURSE["code"])


def _current_class(course: CoursePage, today: datetime.date) -> TrainingClass | None:
    """The demo class with a session today or later, if seeded before."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return (
        TrainingClass.objects.filter(
            course=course, code__startswith=CLASS_CODE, sessions__end__gte=start
        )
        .order_by("-start_date")
        .first()
    )


def seed(*, stdout, style) -> None:
    """The demo class of the day the demo is seeded: on a later day, when
    the earlier class has no session left, a new one (the earlier stays as
    history; a learner counts in their latest class)."""
    course = _course()
    trainer = demo_users(Role.TRAINER)[0]
    admin = demo_users(Role.ADMIN)[0]
    learners = demo_users(Role.LEARNER, unit_code="741")
    today = timezone.localdate()
    klass = _current_class(course, today)
    if klass is None:
        days = [today + datetime.timedelta(weeks=w) for w in SESSION_WEEKS]
        code = CLASS_CODE
        if TrainingClass.objects.filter(code=code).exists():
            code = f"{CLASS_CODE}-{today:%Y%m%d}"
        klass = TrainingClass.objects.create(
            code=code,
            course=course,
            name="Lớp tập huấn an toàn thông tin – huyện Xuân Lộc",
            unit=_unit("741"),
            start_date=days[0],
            end_date=days[-1],
            place="Hội trường UBND huyện Xuân Lộc",
            capacity=40,
        )
        class_sessions_create_weekly(
            training_class=klass,
            weekdays=[today.weekday()],
            start_time=SESSION_HOURS[0],
            end_time=SESSION_HOURS[1],
            first_day=days[0],
            last_day=days[-1],
            topic="An toàn thông tin cơ bản",
        )
    klass.trainers.add(trainer)
    for learner in learners:
        class_membership_add(training_class=klass, learner=learner, added_by=admin)
    stdout.write(
        f"Training class {klass.code}: {klass.sessions.count()} sessions, "
        f"{klass.memberships.count()} learners (trainer {trainer.email})"
    )
