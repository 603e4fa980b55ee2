"""Figures of enrolments (columns of every report), registered in the courses
app's ``ready()``.

Definitions (docs/reports.md explains them to readers):

- enrolled: enrolments open during the period (made before its end, not
  withdrawn, not a request waiting for approval or refused, not completed
  before it began); by month: enrolments made
  that month;
- in progress: of those, started (status other than "enrolled") and not
  completed by the end of the period;
- completed: completed within the period; by month: completed that month;
- completion rate: completed / enrolled.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from elearning.reports.metrics import Figure, Period, register_metric
from elearning.reports.providers import (
    group_columns,
    grouped,
    held_by,
    month_counts,
    per_month,
    record_unit,
)

ENROLMENT_GROUPS = {
    "unit": "learner__profile__unit",
    "record_unit": record_unit(),
    "agency": "learner__profile__agency",
    "course": "course",
}


def _enrolments(learners: QuerySet, period: Period) -> QuerySet:
    from courses.models import Enrolment

    # Open enrolments only: a request waiting for approval or refused was
    # never an enrolment, and a withdrawn one no longer is.
    return (
        held_by(Enrolment.objects.all(), learners)
        .filter(created_at__lt=period.end_before, status__in=Enrolment.ACTIVE)
        .exclude(completed_at__lt=period.start_at)
    )


def _completed_q(period: Period) -> Q:
    return Q(completed_at__gte=period.start_at, completed_at__lt=period.end_before)


def _in_progress_q(period: Period) -> Q:
    """Started and not completed by the end of the period."""
    from courses.models import Enrolment

    not_done = Q(completed_at__isnull=True) | Q(completed_at__gte=period.end_before)
    return not_done & ~Q(status=Enrolment.Status.ENROLLED)


def enrolled(learners, period, group):
    qs = _enrolments(learners, period)
    if group == "month":
        qs = qs.filter(created_at__gte=period.start_at)
    rows = grouped(
        qs, group, {**ENROLMENT_GROUPS, "month": "created_at"}, {"n": Count("pk")}
    )
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


def in_progress(learners, period, group):
    rows = grouped(
        _enrolments(learners, period).filter(_in_progress_q(period)),
        group,
        ENROLMENT_GROUPS,
        {"n": Count("pk")},
    )
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


def completed(learners, period, group):
    rows = grouped(
        _enrolments(learners, period).filter(_completed_q(period)),
        group,
        {**ENROLMENT_GROUPS, "month": "completed_at"},
        {"n": Count("pk")},
    )
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


def completion_rate(learners, period, group):
    rows = grouped(
        _enrolments(learners, period),
        group,
        ENROLMENT_GROUPS,
        {"done": Count("pk", filter=_completed_q(period)), "all": Count("pk")},
    )
    return (
        None
        if rows is None
        else {k: Figure(v["done"], v["all"]) for k, v in rows.items()}
    )


def enrolment_figures(learners, period, group):
    """Enrolled, in progress, completed and the completion rate together:
    one query per group instead of four. By month, enrolled and completed
    (the two that answer it) in one query too."""
    if group == "month":
        return _enrolment_months(learners, period)
    if group != "total" and group not in ENROLMENT_GROUPS:
        return None
    rows = grouped(
        _enrolments(learners, period),
        group,
        ENROLMENT_GROUPS,
        {
            "all": Count("pk"),
            "going": Count("pk", filter=_in_progress_q(period)),
            "done": Count("pk", filter=_completed_q(period)),
        },
    )
    return {
        "enrolled": {k: Figure(v["all"]) for k, v in rows.items()},
        "in_progress": {k: Figure(v["going"]) for k, v in rows.items()},
        "completed": {k: Figure(v["done"]) for k, v in rows.items()},
        "completion_rate": {k: Figure(v["done"], v["all"]) for k, v in rows.items()},
    }


def enrolment_rollup(learners, period, groups):
    """The enrolment figures for every group of ``groups`` (total, unit,
    agency, course, month) from ONE query grouped by the unit, agency and
    course asked, the months being columns of it (:func:`month_counts`).
    Counts of enrolments add up over any grouping."""
    wanted = [g for g in groups if g in ("total", "month") or g in ENROLMENT_GROUPS]
    if not wanted:
        return {}
    qs, names = group_columns(
        _enrolments(learners, period).order_by(),
        {g: ENROLMENT_GROUPS[g] for g in wanted if g in ENROLMENT_GROUPS},
    )
    fields = list(names.values())
    counts = {
        "all": Count("pk"),
        "going": Count("pk", filter=_in_progress_q(period)),
        "done": Count("pk", filter=_completed_q(period)),
    }
    if "month" in wanted:
        counts.update(month_counts("made", "created_at", period))
        counts.update(month_counts("completed", "completed_at", period))
    if fields:
        rows = qs.values(*fields).annotate(**counts).values(*fields, *counts)
    else:
        rows = [qs.aggregate(**counts)]
    sums: dict[str, dict[Hashable, list[int]]] = {g: {} for g in wanted}
    by_month: dict[str, dict[Hashable, int]] = {"made": {}, "completed": {}}
    months = period.months()
    for row in rows:
        for g in wanted:
            if g == "month":
                for name, counts_of in by_month.items():
                    for month, n in per_month(row, name, period, months).items():
                        counts_of[month] = counts_of.get(month, 0) + n
                continue
            key = None if g == "total" else row[names[g]]
            total = sums[g].setdefault(key, [0, 0, 0])
            total[0] += row["all"]
            total[1] += row["going"]
            total[2] += row["done"]
    if "total" in sums:
        sums["total"].setdefault(None, [0, 0, 0])
    result: dict[str, dict[str, dict[Hashable, Figure]]] = {}
    for g, per_key in sums.items():
        if g == "month":
            result[g] = {
                "enrolled": {k: Figure(n) for k, n in by_month["made"].items()},
                "completed": {k: Figure(n) for k, n in by_month["completed"].items()},
            }
            continue
        result[g] = {
            "enrolled": {k: Figure(v[0]) for k, v in per_key.items()},
            "in_progress": {k: Figure(v[1]) for k, v in per_key.items()},
            "completed": {k: Figure(v[2]) for k, v in per_key.items()},
            "completion_rate": {k: Figure(v[2], v[0]) for k, v in per_key.items()},
        }
    return result


def _enrolment_months(learners, period) -> dict[str, dict[Hashable, Figure]]:
    """Enrolled by the month they were made and completed by the month they
    were completed, in one query (one column per month and figure)."""
    return enrolment_rollup(learners, period, ("month",))["month"]


def _people_from(enrolments: QuerySet, course_id: int | None) -> QuerySet:
    from elearning.people.models import User

    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    return User.objects.filter(pk__in=enrolments.values("learner_id"))


def enrolled_people(learners, period, course_id=None):
    return _people_from(_enrolments(learners, period), course_id)


def in_progress_people(learners, period, course_id=None):
    return _people_from(
        _enrolments(learners, period).filter(_in_progress_q(period)), course_id
    )


def completed_people(learners, period, course_id=None):
    return _people_from(
        _enrolments(learners, period).filter(_completed_q(period)), course_id
    )


def register() -> None:
    register_metric(
        key="enrolled",
        label=_("Ghi danh"),
        compute=enrolled,
        people=enrolled_people,
        order=20,
        chart=True,
        additive=True,
        batch=enrolment_figures,
        rollup=enrolment_rollup,
    )
    register_metric(
        key="in_progress",
        label=_("Đang học"),
        compute=in_progress,
        people=in_progress_people,
        order=30,
        chart=True,
        additive=True,
        batch=enrolment_figures,
        rollup=enrolment_rollup,
    )
    register_metric(
        key="completed",
        label=_("Hoàn thành"),
        compute=completed,
        people=completed_people,
        order=40,
        chart=True,
        additive=True,
        batch=enrolment_figures,
        rollup=enrolment_rollup,
    )
    register_metric(
        key="completion_rate",
        label=_("Tỷ lệ hoàn thành"),
        compute=completion_rate,
        people=completed_people,
        is_rate=True,
        order=50,
        additive=True,
        batch=enrolment_figures,
        rollup=enrolment_rollup,
    )


def participants_by_category(
    learners: QuerySet, period: Period, group: str
) -> dict[Hashable, dict[str, int]]:
    """Participants (people with an enrolment open in the period, each once)
    per ``group`` ("total", "unit", "record_unit" or "agency") and staff
    category, in one query: ``{group key: {category: n}}``; a blank category
    is ``""``. By "record_unit", a person is counted under the unit of each
    of their enrolments (once per unit), so the rows may hold a person more
    than once; "total" counts everyone once."""
    qs = _enrolments(learners, period).order_by()
    if group == "total":
        rows = (
            qs.values("learner__profile__category")
            .annotate(n=Count("learner", distinct=True))
            .values_list("learner__profile__category", "n")
        )
        rows = [(None, category, n) for category, n in rows]
    else:
        qs, names = group_columns(qs, {group: ENROLMENT_GROUPS[group]})
        field = names[group]
        rows = (
            qs.values(field, "learner__profile__category")
            .annotate(n=Count("learner", distinct=True))
            .values_list(field, "learner__profile__category", "n")
        )
    result: dict[Hashable, dict[str, int]] = {}
    for key, category, n in rows:
        row = result.setdefault(key, {})
        row[category or ""] = row.get(category or "", 0) + n
    return result
