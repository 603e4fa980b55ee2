"""The migrations that gave records a unit fill it in for the rows already
there with the learner's unit at the time."""

import importlib

import pytest
from django.apps import apps

from courses.models import Enrolment
from elearning.people.models import StaffProfile

pytestmark = pytest.mark.django_db

MIGRATIONS = (
    "courses.migrations.0007_enrolment_unit",
    "quizzes.migrations.0005_attempt_unit",
    "courses.attendance.migrations.0003_attendancerecord_unit",
    "certificates.migrations.0006_certificate_unit",
)


def test_backfill_takes_the_learners_unit_and_keeps_a_unit_already_set(dataset, units):
    from certificates.models import Certificate
    from courses.attendance.models import AttendanceRecord
    from quizzes.models import Attempt

    models = (Enrolment, Attempt, AttendanceRecord, Certificate)
    for model in models:
        model.objects.update(unit=None)
        assert model.objects.exists(), model
    # One record already knows its unit (made in Biên Hòa, moved since).
    kept = Enrolment.objects.order_by("pk").first()
    Enrolment.objects.filter(pk=kept.pk).update(unit=units["731"])
    for name in MIGRATIONS:
        importlib.import_module(name).backfill_unit(apps, None)
    profiles = dict(StaffProfile.objects.values_list("user_id", "unit_id"))
    for model in models:
        for learner_id, unit_id in model.objects.exclude(
            pk=kept.pk if model is Enrolment else None
        ).values_list("learner_id", "unit_id"):
            assert unit_id == profiles[learner_id], model
    assert Enrolment.objects.get(pk=kept.pk).unit == units["731"]
