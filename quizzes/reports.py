"""Figures of the quizzes app for the reports (registered in apps.py).

Quiz pass rate: over the graded quizzes (``counts_for_completion``) of each
course, pairs (learner, quiz) where the learner passed / pairs where the
learner submitted at least one attempt in the period. "Passed" is the pass
state grading stored on the attempt (``Attempt.passed``: score ≥ the quiz's
pass mark): at least one passing attempt submitted in the period. With one
graded (final) quiz per course, that is learners who passed / learners who
submitted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr

from elearning.reports.metrics import Figure, Period
from elearning.reports.providers import group_columns, held_by, record_unit

from .models import Attempt, QuizPage

# Attempts are grouped by (group key, quiz): a learner is counted once per
# quiz; the quizzes are then added up per key (so sums match the total).
FIELDS = {
    "total": None,
    "unit": "learner__profile__unit",
    # The unit the learner belonged to when the attempt was started.
    "record_unit": record_unit(),
    "agency": "learner__profile__agency",
    "course": None,  # quiz → its course, mapped after the query
}


def _attempts(learners: QuerySet, period: Period) -> QuerySet:
    return (
        held_by(Attempt.objects.finished(), learners)
        .filter(
            quiz__counts_for_completion=True,
            submitted_at__gte=period.start_at,
            submitted_at__lt=period.end_before,
        )
        .order_by()
    )


def _parent_course() -> Subquery:
    """The id of the course page right above the grouped attempts' quiz
    (None when its parent is no course), as a sub-query over the quiz id."""
    from courses.models import CoursePage

    parent_path = Subquery(
        QuizPage.objects.filter(pk=OuterRef(OuterRef("quiz")))
        .annotate(
            _parent=Substr(
                "path",
                1,
                (F("depth") - 1) * QuizPage.steplen,
                output_field=CharField(),
            )
        )
        .values("_parent")[:1],
        output_field=CharField(),
    )
    return _GroupedSubquery(
        CoursePage.objects.filter(path=parent_path).values("pk")[:1],
        output_field=IntegerField(),
    )


class _GroupedSubquery(Subquery):
    """A sub-query over a column the query is already grouped by: it is left
    out of GROUP BY and computed once per group."""

    def get_group_by_cols(self):
        return []


def quiz_pass_rate(learners, period, group) -> dict[Hashable, Figure] | None:
    if group not in FIELDS:
        return None
    qs, names = group_columns(
        _attempts(learners, period), {group: FIELDS[group]} if FIELDS[group] else {}
    )
    keys = ["quiz", *names.values()]
    rows = qs.values(*keys).annotate(
        passed=Count("learner", filter=Q(passed=True), distinct=True),
        tried=Count("learner", distinct=True),
    )
    if group == "course":
        # The course above each quiz, found after the counts: once per quiz,
        # not once per attempt.
        rows = rows.annotate(_course=_parent_course())
        keys.append("_course")
    rows = rows.values_list(*keys, "passed", "tried")
    sums: dict[Hashable, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        passed, tried = row[-2], row[-1]
        key = None if group == "total" else row[len(keys) - 1]
        sums[key][0] += passed
        sums[key][1] += tried
    if group == "total":
        sums.setdefault(None, [0, 0])
    return {k: Figure(p, t) for k, (p, t) in sums.items()}


def quiz_rollup(learners, period, groups) -> dict[str, dict[str, dict]]:
    """The pass rate for every group of ``groups`` it answers from ONE
    query grouped by quiz and by each learner field asked (unit, the unit
    of the attempt, agency),
    with the course above each quiz when "course" is asked. A learner has
    one unit and one agency, so the learners counted per (quiz, unit) add
    up to those per quiz; everything is then added up over the quizzes, as
    :func:`quiz_pass_rate` does."""
    wanted = [g for g in groups if g in FIELDS]
    if not wanted:
        return {}
    qs, names = group_columns(
        _attempts(learners, period), {g: FIELDS[g] for g in wanted if FIELDS[g]}
    )
    fields = list(names.values())
    rows = qs.values("quiz", *fields).annotate(
        passed=Count("learner", filter=Q(passed=True), distinct=True),
        tried=Count("learner", distinct=True),
    )
    columns = ["quiz", *fields]
    if "course" in wanted:
        rows = rows.annotate(_course=_parent_course())
        columns.append("_course")
    sums: dict[str, dict[Hashable, list[int]]] = {g: {} for g in wanted}
    for row in rows.values(*columns, "passed", "tried"):
        for g in wanted:
            if g == "total":
                key = None
            elif g == "course":
                key = row["_course"]
            else:
                key = row[names[g]]
            total = sums[g].setdefault(key, [0, 0])
            total[0] += row["passed"]
            total[1] += row["tried"]
    if "total" in sums:
        sums["total"].setdefault(None, [0, 0])
    return {
        g: {"quiz_pass_rate": {k: Figure(p, t) for k, (p, t) in per_key.items()}}
        for g, per_key in sums.items()
    }


def quiz_passers(learners, period, course_id=None) -> QuerySet:
    """Learners with a passing attempt at a graded quiz in the period."""
    from courses.models import CoursePage

    attempts = _attempts(learners, period).filter(passed=True)
    if course_id is not None:
        course = CoursePage.objects.filter(pk=course_id).first()
        if course is None:
            return learners.none()
        attempts = attempts.filter(
            quiz__path__startswith=course.path, quiz__depth__gt=course.depth
        )
    return learners.filter(pk__in=attempts.values("learner_id"))


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.reports.metrics import register_metric

    register_metric(
        key="quiz_pass_rate",
        label=_("Tỷ lệ đạt bài kiểm tra"),
        compute=quiz_pass_rate,
        people=quiz_passers,
        is_rate=True,
        order=60,
        additive=True,
        rollup=quiz_rollup,
    )
