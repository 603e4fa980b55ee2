"""Figures of the people app, registered in its ``ready()`` (docs/reports.md
explains them to readers):

- staff count: people with a staff profile (not period-bound), by their unit
  now in either unit grouping.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from elearning.reports.metrics import Figure, register_metric
from elearning.reports.providers import grouped


def staff_count(learners, period, group):
    from elearning.people.models import StaffProfile

    # People, not records: by their unit now in either unit grouping.
    rows = grouped(
        StaffProfile.objects.filter(user__in=learners),
        group,
        {"unit": "unit", "record_unit": "unit", "agency": "agency"},
        {"n": Count("pk")},
    )
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


def staff_people(learners, period, course_id=None):
    return learners


def register() -> None:
    register_metric(
        key="staff_count",
        label=_("Số cán bộ, công chức, viên chức"),
        compute=staff_count,
        people=staff_people,
        order=10,
        additive=True,
    )
