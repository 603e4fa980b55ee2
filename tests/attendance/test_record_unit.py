"""An attendance record and the enrolment a class makes keep the unit their
learner belonged to when they were made."""

import pytest

from courses.attendance.services import attendance_mark
from courses.models import Enrolment
from elearning.people.models import StaffProfile

from .conftest import at

pytestmark = pytest.mark.django_db


def test_records_keep_their_unit_after_the_learner_moves(
    sessions, member, trainer, units
):
    # Joining the class enrolled the learner (in Xuân Lộc then).
    assert Enrolment.objects.get(learner=member).unit == units["741"]
    before, _changed = attendance_mark(
        session=sessions[0],
        learner=member,
        status="present",
        method="trainer",
        recorded_by=trainer,
        now=at(3, 12),
    )
    StaffProfile.objects.filter(user=member).update(unit=units["731"])
    member.refresh_from_db()
    after, _changed = attendance_mark(
        session=sessions[1],
        learner=member,
        status="present",
        method="trainer",
        recorded_by=trainer,
        now=at(3, 12),
    )
    before.refresh_from_db()
    assert before.unit == units["741"]
    assert after.unit == units["731"]
    assert Enrolment.objects.get(learner=member).unit == units["741"]
