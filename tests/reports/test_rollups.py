"""Every metric's ``rollup`` gives exactly what its own ``compute`` gives.

The dashboards and the yearly report ask a metric's rollup first
(``selectors.prefetch``: one query answering several groupings) and fall
back to ``compute`` for the rest, so the two must agree figure for figure:
for every grouping, several periods (a year, last year, days not on month
boundaries), several scopes (province, one officer's district, one unit,
one agency) and several sets of groupings asked together (the query a
rollup makes depends on them).
"""

import datetime

import pytest

from elearning.reports.metrics import GROUPS, Figure, Period, registered_metrics
from elearning.reports.selectors import learners_visible_to

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PERIODS = [
    Period.year(2026),
    Period.year(2025),
    # Not on month boundaries: the months' bounds inside a rollup are the
    # period's own start and end.
    Period(datetime.date(2026, 3, 5), datetime.date(2026, 7, 1)),
]
ASKED = [
    GROUPS,
    ("unit", "month", "course"),  # the province dashboard
    ("agency", "course", "month"),  # a district dashboard
    *((group,) for group in GROUPS),
]


def rolled_up():
    metrics = [m for m in registered_metrics() if m.rollup is not None]
    assert {m.key for m in metrics} >= {
        "enrolled",
        "in_progress",
        "completed",
        "completion_rate",
        "quiz_pass_rate",
        "attendance_rate",
        "classes_held",
        "certificates_issued",
    }
    return metrics


def nonzero(values):
    """A figure left out means zero: compare without the zeros."""
    return {k: f for k, f in values.items() if f not in (Figure(0), Figure(0, 0))}


def scopes(province_admin, officer, learner, units):
    yield "province", learners_visible_to(province_admin)
    yield "officer", learners_visible_to(officer)
    yield "unit 731", learners_visible_to(province_admin, unit=units["731"])
    agency = learner.profile.agency
    if agency is not None:
        yield "agency", learners_visible_to(province_admin, agency=agency)


def test_each_rollup_gives_what_compute_gives(
    dataset, province_admin, officer, learner, units
):
    metrics = rolled_up()
    compared = 0
    seen_figures = set()
    for scope, learners in scopes(province_admin, officer, learner, units):
        for period in PERIODS:
            expected = {
                (m.key, group): m.compute(learners, period, group)
                for m in metrics
                for group in GROUPS
            }
            for asked in ASKED:
                answered = {}
                for m in metrics:
                    if m.rollup not in answered:
                        answered[m.rollup] = m.rollup(learners, period, asked)
                for m in metrics:
                    per_group = answered[m.rollup]
                    assert set(per_group) <= set(asked), (m.key, asked)
                    for group, per_metric in per_group.items():
                        if m.key not in per_metric:
                            continue
                        want = expected[(m.key, group)]
                        context = (scope, period, asked, group, m.key)
                        assert want is not None, context
                        got = per_metric[m.key]
                        assert nonzero(got) == nonzero(want), context
                        compared += 1
                        seen_figures.update(
                            (m.key, group) for f in nonzero(got).values() if f.value
                        )
    # The comparisons are not empty: every rolled-up metric showed a figure
    # other than zero in every grouping it answers on this dataset.
    assert compared > 500
    for key in (
        "enrolled",
        "completed",
        "quiz_pass_rate",
        "attendance_rate",
        "classes_held",
        "certificates_issued",
    ):
        assert (key, "total") in seen_figures
        assert (key, "course") in seen_figures
    for key in ("enrolled", "completed", "classes_held", "certificates_issued"):
        assert (key, "month") in seen_figures
    for key in ("enrolled", "quiz_pass_rate", "attendance_rate", "certificates_issued"):
        assert (key, "unit") in seen_figures


def test_a_rollup_answers_every_grouping_its_metrics_answer(dataset, province_admin):
    """Whatever a rollup leaves out is asked of ``compute``; what it answers
    for the province dashboard's groupings covers them all for the
    enrolment, quiz, attendance and certificate figures, so the page makes
    one pass per table of records."""
    learners = learners_visible_to(province_admin)
    period = Period.year(2026)
    asked = ("unit", "month", "course")
    for m in rolled_up():
        answered = m.rollup(learners, period, asked)
        for group in asked:
            if m.compute(learners, period, group) is not None:
                assert m.key in answered.get(group, {}), (m.key, group)
