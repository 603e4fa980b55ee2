"""The completion checks over many enrolments at once (``many`` hooks).

``enrolments_eligibility`` must say exactly what ``enrolment_eligibility``
says for each enrolment, on a dataset mixing every rule (lessons, quizzes,
attendance, H5P), and in a number of queries that does not grow with the
number of enrolments.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.completion import registered_checks, registered_many_checks
from courses.models import Enrolment, LessonPage
from courses.selectors import enrolment_eligibility, enrolments_eligibility
from elearning import pagecache

pytestmark = pytest.mark.django_db


def _mixed_dataset(learner):
    """The load-data generator's tiny size, plus H5P exercises and a course
    with a minimum attendance of its own and one without quizzes."""
    from courses.h5p.models import H5PAttempt
    from elearning.loaddata import LoadContext, generate

    from ..h5p.helpers import import_bytes, true_false_package

    batch = generate(LoadContext("T", seed=5, prefix="m", also_enrol=[learner.pk]))
    courses = list(batch.courses)
    h5p_course, attendance_course = courses[0], courses[-1]
    version = import_bytes(true_false_package(), approve_libraries=True).version
    h5p_course.add_child(
        instance=LessonPage(
            title="Bài tập tương tác",
            slug="bai-tap-h5p",
            body=[("h5p", version.content)],
        )
    )
    h5p_course.min_h5p_percent = 60
    h5p_course.save()
    attendance_course.min_attendance_percent = 100
    attendance_course.save()
    if len(courses) > 2:
        courses[1].require_quizzes = False
        courses[1].save()
    # H5P results: passed, failed, several attempts, none.
    learner_ids = list(
        Enrolment.objects.filter(course=h5p_course).values_list("learner_id", flat=True)
    )
    now = timezone.now()
    scores = [Decimal("80"), Decimal("40"), None]
    for i, learner_id in enumerate(learner_ids):
        for number, score in enumerate(scores[: i % 4], start=1):
            H5PAttempt.objects.create(
                learner_id=learner_id,
                version=version,
                number=number,
                finished_at=now - datetime.timedelta(minutes=10 - number),
                scaled_score=score if score is not None else Decimal("10"),
            )
    return batch


def _enrolments(**filters):
    return list(
        Enrolment.objects.filter(**filters)
        .active()
        .select_related("course")
        .prefetch_related("progress")
        .order_by("pk")
    )


@pytest.mark.parametrize("grading", ["highest", "last"])
def test_many_enrolments_give_what_each_enrolment_gives(learner, settings, grading):
    settings.H5P_GRADING_METHOD = grading
    _mixed_dataset(learner)
    # Every rule registers a batch form.
    assert set(registered_many_checks()) == set(registered_checks())
    enrolments = _enrolments()
    assert len(enrolments) > 10

    batch = enrolments_eligibility(enrolments)
    one_by_one = {e.pk: enrolment_eligibility(e) for e in _enrolments()}

    assert batch == one_by_one
    # The dataset mixes the rules and their outcomes.
    keys = {r.key for el in batch.values() for r in el.requirements}
    assert {"lessons", "quizzes", "attendance", "h5p"} <= keys
    outcomes = {(r.key, r.done) for el in batch.values() for r in el.requirements}
    for key in ("quizzes", "attendance", "h5p"):
        assert (key, True) in outcomes and (key, False) in outcomes, key
    assert {el.complete for el in batch.values()} == {True, False}


def test_many_enrolments_take_a_fixed_number_of_queries(learner):
    _mixed_dataset(learner)
    enrolments = _enrolments()
    few = enrolments[:2]
    # Both measured with nothing of the page tree cached (elearning.pagecache).
    pagecache.bump()
    with CaptureQueriesContext(connection) as small:
        enrolments_eligibility(few)
    pagecache.bump()
    with CaptureQueriesContext(connection) as large:
        enrolments_eligibility(enrolments)
    assert len(enrolments) > 10 * len(few)
    # A few per rule (lessons and their study time, quizzes, attendance,
    # H5P), whatever the count.
    assert len(large) == len(small) <= 11


def test_one_learner_pages_use_the_batch(learner, client):
    """My courses shows what the per-enrolment eligibility says."""
    _mixed_dataset(learner)
    from courses.selectors import learner_dashboard

    rows = learner_dashboard(user=learner)
    assert len(rows) > 1
    for row in rows:
        if row.enrolment.is_active:
            fresh = _enrolments(pk=row.enrolment.pk)[0]
            assert row.eligibility == enrolment_eligibility(fresh)


def test_a_rule_without_batch_form_runs_per_enrolment(learner, monkeypatch):
    from courses import completion
    from courses.completion import Requirement

    _mixed_dataset(learner)
    seen = []

    def check(enrolment):
        seen.append(enrolment.pk)
        return Requirement("test", "Kiểm tra", enrolment.pk % 2 == 0)

    monkeypatch.setattr(completion, "_CHECKS", {"test": check})
    enrolments = _enrolments()[:5]
    result = enrolments_eligibility(enrolments)
    assert seen == [e.pk for e in enrolments]
    assert {pk: el.complete for pk, el in result.items()} == {
        e.pk: e.pk % 2 == 0 for e in enrolments
    }
