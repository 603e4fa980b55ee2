"""Figures of the certificates app for the reports (registered in apps.py).

Certificates issued: certificates with ``issued_at`` in the period that are
valid now. A revoked certificate is not counted (not even in the period it
was issued); its replacement, if one was issued, counts in its own period.
Per unit and agency by the holder's current profile, per course, per month
of issue.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Count, QuerySet

from elearning.reports.metrics import Figure, Period
from elearning.reports.providers import grouped, held_by, month_index

from .models import Certificate

FIELDS = {
    "unit": "learner__profile__unit",
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
    grouped by all of them (counts of certificates add up over any
    grouping)."""
    wanted = [g for g in groups if g == "total" or g in FIELDS]
    if not wanted:
        return {}
    keys = {g: "_month" if g == "month" else FIELDS[g] for g in wanted if g != "total"}
    qs = _issued(learners, period).order_by()
    if "month" in keys:
        qs = qs.annotate(_month=month_index(FIELDS["month"], period))
    months = period.months()
    columns = list(dict.fromkeys(keys.values()))
    if columns:
        rows = qs.values(*columns).annotate(n=Count("pk")).values(*columns, "n")
    else:
        rows = [qs.aggregate(n=Count("pk"))]
    sums: dict[str, dict[Hashable, int]] = {g: {} for g in wanted}
    for row in rows:
        for g in wanted:
            key = None if g == "total" else row[keys[g]]
            if g == "month":
                key = months[key]
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
