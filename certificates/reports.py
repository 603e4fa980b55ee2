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
from elearning.reports.providers import grouped

from .models import Certificate

FIELDS = {
    "unit": "learner__profile__unit",
    "agency": "learner__profile__agency",
    "course": "course",
    "month": "issued_at",
}


def _issued(learners: QuerySet, period: Period) -> QuerySet:
    return Certificate.objects.valid().filter(
        learner__in=learners,
        issued_at__gte=period.start_at,
        issued_at__lt=period.end_before,
    )


def certificates_issued(learners, period, group) -> dict[Hashable, Figure] | None:
    rows = grouped(_issued(learners, period), group, FIELDS, {"n": Count("pk")})
    return None if rows is None else {k: Figure(v["n"]) for k, v in rows.items()}


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
    )
