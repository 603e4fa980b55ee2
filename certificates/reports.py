"""Figures of the certificates app for the reports (registered in apps.py).

Certificates issued: certificates with ``issued_at`` in the period that are
valid now. A revoked certificate is not counted (not even in the period it
was issued); its replacement, if one was issued, counts in its own period.
Per unit and agency by the holder's current profile, per unit the holder
belonged to when it was issued ("record_unit"), per course, per month of
issue.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Count, QuerySet

from elearning.reports.metrics import Figure, Period
from elearning.reports.providers import (
    group_columns,
    grouped,
    held_by,
    month_counts,
    per_month,
    record_unit,
)

from .models import Certificate

FIELDS = {
    "unit": "learner__profile__unit",
    "record_unit": record_unit(),
    "agency": "learner__profile__agency",
    "course": "course",
    "month": "issued_at",
}


def _issued(learners: QuerySet, period: Period) -> QuerySet:
    return held_by(Certificate.objects.valid(), learners).filter(
        issued_at__gte=period.start_at,
        issued_at__lt=period.end_before,
    )


def certificates_issued(learners, period, group) -> dict[Hashable, Figure] | None:
    rows = grouped(_issued(learners, period), group, FIELDS, {"n": Count("pk")})
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


def certificates_rollup(learners, period, groups) -> dict[str, dict[str, dict]]:
    """Certificates issued for every group of ``groups`` from ONE query
    grouped by the unit, agency and course asked, the months being columns
    of it (``month_counts``). Counts of certificates add up over any
    grouping."""
    wanted = [g for g in groups if g in ("total", "month") or g in FIELDS]
    if not wanted:
        return {}
    qs, names = group_columns(
        _issued(learners, period).order_by(),
        {g: FIELDS[g] for g in wanted if g not in ("total", "month")},
    )
    fields = list(names.values())
    counts = {"n": Count("pk")}
    if "month" in wanted:
        counts.update(month_counts("m", FIELDS["month"], period))
    if fields:
        rows = qs.values(*fields).annotate(**counts).values(*fields, *counts)
    else:
        rows = [qs.aggregate(**counts)]
    sums: dict[str, dict[Hashable, int]] = {g: {} for g in wanted}
    months = period.months()
    for row in rows:
        for g in wanted:
            if g == "month":
                for month, n in per_month(row, "m", period, months).items():
                    sums[g][month] = sums[g].get(month, 0) + n
                continue
            key = None if g == "total" else row[names[g]]
            sums[g][key] = sums[g].get(key, 0) + row["n"]
    if "total" in sums:
        sums["total"].setdefault(None, 0)
    return {
        g: {"certificates_issued": {k: Figure(n) for k, n in per_key.items()}}
        for g, per_key in sums.items()
    }


def certificate_holders(learners, period, course_id=None) -> QuerySet:
    issued = _issued(learners, period)
    if course_id is not None:
        issued = issued.filter(course_id=course_id)
    return learners.filter(pk__in=issued.values("learner_id"))


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.reports.metrics import register_metric

    register_metric(
        key="certificates_issued",
        label=_("Giấy chứng nhận đã cấp"),
        compute=certificates_issued,
        people=certificate_holders,
        order=80,
        chart=True,
        additive=True,
        rollup=certificates_rollup,
    )
