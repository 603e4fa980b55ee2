"""An attempt keeps the unit its learner belonged to when it was started."""

import pytest

from elearning.people.models import StaffProfile
from quizzes.services import attempt_start

pytestmark = pytest.mark.django_db


def test_an_attempt_keeps_its_unit_after_the_learner_moves(quiz, enrolled, units):
    first = attempt_start(learner=enrolled, quiz=quiz)
    assert first.unit == units["741"]

    StaffProfile.objects.filter(user=enrolled).update(unit=units["731"])
    enrolled.refresh_from_db()
    first.refresh_from_db()
    assert first.unit == units["741"]
