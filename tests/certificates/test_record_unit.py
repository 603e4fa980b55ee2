"""A certificate keeps the unit its holder belonged to when it was issued."""

import pytest

from certificates.services import certificate_issue
from elearning.people.models import StaffProfile
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_certificate_keeps_its_unit_after_the_holder_moves(issued, learner, units):
    assert issued.unit == units["741"]
    StaffProfile.objects.filter(user=learner).update(unit=units["731"])
    issued.refresh_from_db()
    assert issued.unit == units["741"]


def test_a_certificate_issued_after_a_move_takes_the_new_unit(
    course, template, enrol, units
):
    person = make_person(
        role="learner",
        unit=units["741"],
        full_name="Trần Thị Bình",
        email="binh.tt@xuanloc.example.gov.vn",
    )
    StaffProfile.objects.filter(user=person).update(unit=units["731"])
    person.refresh_from_db()
    enrol(person, course, 90)
    certificate = certificate_issue(learner=person, course=course)
    assert certificate.unit == units["731"]
