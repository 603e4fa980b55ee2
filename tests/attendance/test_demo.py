"""The demo class follows the day the demo is seeded: a tester on any day
finds sessions held (to mark), one today (to check in to) and one to come,
and can reach the course's attendance minimum that same day."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.attendance import demo, tokens
from courses.attendance.models import TrainingClass
from courses.attendance.selectors import attendance_requirement
from courses.attendance.services import attendance_check_in, attendance_mark
from courses.models import Enrolment
from elearning.people.demo import demo_users
from elearning.people.models import Role

pytestmark = pytest.mark.django_db
VN = datetime.timezone(datetime.timedelta(hours=7))


def reseed_class():
    demo.seed(stdout=io.StringIO(), style=None)


def test_a_tester_completes_attendance_on_the_day_the_demo_is_seeded(time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 3, 9, 0, tzinfo=VN))
    call_command("seed_demo", stdout=io.StringIO())
    klass = TrainingClass.objects.get(code=demo.CLASS_CODE)
    starts = [timezone.localtime(s.start) for s in klass.sessions.all()]
    assert [s.date().isoformat() for s in starts] == [
        "2027-02-10",
        "2027-02-17",
        "2027-02-24",
        "2027-03-03",
        "2027-03-10",
    ]
    reseed_class()
    assert TrainingClass.objects.filter(code__startswith=demo.CLASS_CODE).count() == 1

    trainer = demo_users(Role.TRAINER)[0]
    learner = demo_users(Role.LEARNER, unit_code=demo.CLASS_UNIT)[0]
    enrolment = Enrolment.objects.get(learner=learner, course=klass.course)
    *held, today, _next = klass.sessions.all()
    for session in held:
        attendance_mark(
            session=session,
            learner=learner,
            status="present",
            method="trainer",
            recorded_by=trainer,
        )
    assert not attendance_requirement(enrolment).done
    now = timezone.now()
    token = tokens.make_token(session_id=today.pk, now=now)
    assert attendance_check_in(session=today, learner=learner, token=token, now=now).ok
    assert attendance_requirement(enrolment).done


def test_a_later_day_gets_a_class_of_its_own(time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 3, 9, 0, tzinfo=VN))
    call_command("seed_demo", stdout=io.StringIO())
    first = TrainingClass.objects.get(code=demo.CLASS_CODE)
    # A week later the first class still has a session ahead: kept.
    time_machine.move_to(datetime.datetime(2027, 3, 10, 9, 0, tzinfo=VN))
    reseed_class()
    assert TrainingClass.objects.filter(code__startswith=demo.CLASS_CODE).count() == 1
    # Two weeks later it has none: a new class, the first kept as it was.
    time_machine.move_to(datetime.datetime(2027, 3, 17, 9, 0, tzinfo=VN))
    reseed_class()
    second = TrainingClass.objects.get(code=f"{demo.CLASS_CODE}-20270317")
    assert first.sessions.count() == second.sessions.count() == 5
    learner = demo_users(Role.LEARNER, unit_code=demo.CLASS_UNIT)[0]
    enrolment = Enrolment.objects.get(learner=learner, course=first.course)
    # The learner counts in the class of today: its next session is theirs.
    requirement = attendance_requirement(enrolment)
    assert requirement.progress == (0, 4)
    assert requirement.changes_at == second.sessions.last().start
    assert second.memberships.filter(learner=learner).exists()
