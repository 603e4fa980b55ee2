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
from elearning.people.models import Role
from elearning.people.selectors import unit_on

from .models import TrainingClass
from .services import class_membership_add, class_sessions_create_weekly

CLASS_CODE = "ATTT-XL-DEMO"
# Weekly sessions on the weekday the demo is seeded, relative to that day:
# three held (the trainer marks them from the roster), one running today
# (QR check-in), one to come. Four of five reach the class's 80 %.
SESSION_WEEKS = (-3, -2, -1, 0, 1)
SESSION_HOURS = (datetime.time(7, 30), datetime.time(17, 0))


CLASS_UNIT = "26425"  # Xã Xuân Lộc
HISTORY_CLASS_CODE = "ATTT-XL-2024"
# The 2024 class of Huyện Xuân Lộc: four Tuesdays of October 2024.
HISTORY_SESSION_DAYS = [datetime.date(2024, 10, d) for d in (1, 8, 15, 22)]


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
    learners = demo_users(Role.LEARNER, unit_code=CLASS_UNIT)
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
            name="Lớp tập huấn an toàn thông tin – xã Xuân Lộc",
            unit=unit_on(CLASS_UNIT),
            start_date=days[0],
            end_date=days[-1],
            place="Hội trường UBND xã Xuân Lộc",
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
    seed_history(stdout=stdout, trainer=trainer)


def seed_history(*, stdout, trainer) -> None:
    """The 2024 class of Huyện Xuân Lộc for the 2024 course, every session
    attended by the district's learners of then, the records made under the
    district. Idempotent."""
    from courses.demo import history_course
    from elearning.people.demo import HISTORY_PEOPLE, history_unit
    from elearning.people.models import User

    from .models import (
        AttendanceMethod,
        AttendanceRecord,
        AttendanceStatus,
        ClassMembership,
        ClassSession,
    )

    course = history_course()
    if course is None or TrainingClass.objects.filter(code=HISTORY_CLASS_CODE).exists():
        return
    unit = history_unit()
    klass = TrainingClass.objects.create(
        code=HISTORY_CLASS_CODE,
        course=course,
        name="Lớp bồi dưỡng an toàn thông tin năm 2024 – huyện Xuân Lộc",
        unit=unit,
        start_date=HISTORY_SESSION_DAYS[0],
        end_date=HISTORY_SESSION_DAYS[-1],
        place="Hội trường UBND huyện Xuân Lộc",
        capacity=40,
    )
    klass.trainers.add(trainer)
    sessions = [
        ClassSession.objects.create(
            training_class=klass,
            start=timezone.make_aware(datetime.datetime.combine(day, SESSION_HOURS[0])),
            end=timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(11, 30))
            ),
            topic="An toàn thông tin cơ bản",
        )
        for day in HISTORY_SESSION_DAYS
    ]
    learners = list(User.objects.filter(email__in=HISTORY_PEOPLE).order_by("email"))
    for learner in learners:
        ClassMembership.objects.create(training_class=klass, learner=learner)
        for session in sessions:
            AttendanceRecord.objects.create(
                session=session,
                learner=learner,
                unit=unit,
                status=AttendanceStatus.PRESENT,
                method=AttendanceMethod.TRAINER,
                recorded_by=trainer,
                recorded_at=session.start,
            )
    stdout.write(
        f"Training class {klass.code} (2024, {unit.full_name}): "
        f"{len(sessions)} sessions, {len(learners)} learners"
    )
