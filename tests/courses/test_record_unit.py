"""An enrolment keeps the unit its learner belonged to when it was made."""

import pytest

from courses.services import enrolment_create
from elearning.people.models import StaffProfile

pytestmark = pytest.mark.django_db


def move(person, unit):
    StaffProfile.objects.filter(user=person).update(unit=unit)
    person.refresh_from_db()


def test_an_enrolment_keeps_its_unit_after_the_learner_moves(learner, course, units):
    enrolment = enrolment_create(learner=learner, course=course, actor=learner)
    assert enrolment.unit == units["741"]

    move(learner, units["731"])
    enrolment.refresh_from_db()
    assert enrolment.unit == units["741"]


def test_an_enrolment_made_after_a_move_takes_the_new_unit(learner, course, units):
    move(learner, units["731"])
    enrolment = enrolment_create(learner=learner, course=course, actor=learner)
    assert enrolment.unit == units["731"]
