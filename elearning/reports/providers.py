"""Helpers for the figures each app registers (``register_metric``): the
unit a record was made under, grouping by unit, agency, course or month in
one query, and the scope of the learners asked about.

The figures themselves live with their data: people (``elearning.people.
reports``), courses and enrolments (``courses.reports``), quizzes,
attendance and certificates (each app's ``reports.py``), each registered in
its app's ``ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable

from django.db.models import BigIntegerField, Count, F, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .metrics import Period


def record_unit(learner: str = "learner") -> Coalesce:
    """The unit a record was made under (its own ``unit``, kept when it
    was created), or its holder's unit now for a record that has none: the
    key of the "record_unit" grouping."""
    return Coalesce(
        F("unit"), F(f"{learner}__profile__unit"), output_field=BigIntegerField()
    )


def group_columns(
    queryset: QuerySet, fields: dict[str, str | Combinable]
) -> tuple[QuerySet, dict[str, str]]:
    """``queryset`` with a column for each group of ``fields`` that is an
    expression (a lookup is a column already), and the name of each
    group's column, for ``values(*names)``."""
    names, expressions = {}, {}
    for group, field in fields.items():
        if isinstance(field, str):
            names[group] = field
        else:
            names[group] = f"_{group}"
            expressions[names[group]] = field
    if expressions:
        queryset = queryset.annotate(**expressions)
    return queryset, names


def grouped(
    queryset: QuerySet,
    group: str,
    fields: dict[str, str | None],
    aggregates: dict,
) -> dict[Hashable, dict[str, int]] | None:
    """``aggregates`` of ``queryset`` per ``group`` in one query.

    ``fields`` maps each group to the lookup it groups by (a date/datetime
    lookup for "month"); a group missing from it gives ``None`` (the metric
    does not answer it).
    """
    if group == "total":
        return {None: queryset.aggregate(**aggregates)}
    field = fields.get(group)
    if field is None:
        return None
    if group == "month":
        key = TruncMonth(field)
    else:
        key = F(field) if isinstance(field, str) else field
    rows = (
        queryset.order_by()
        .annotate(_key=key)
        .values("_key")
        .annotate(**aggregates)
        .values("_key", *aggregates)
    )
    result = {}
    for row in rows:
        k = row.pop("_key")
        if hasattr(k, "date"):
            k = k.date()
        result[k] = row
    return result


def held_by(records: QuerySet, learners: QuerySet, path: str = "learner") -> QuerySet:
    """``records`` whose ``path`` (a user) is one of ``learners``.

    With the learners of ``selectors.learners_where`` (the dashboards' and
    the yearly report's), the scope is applied to the join of the records
    to their holder, the join a figure grouped by the holder's unit or
    agency uses too, instead of a sub-query over the people: PostgreSQL
    then joins the people once per query instead of twice. Otherwise it is
    ``path__in=learners`` (one sub-query). Same rows either way.
    """
    relative_to = getattr(learners, "relative_to", None)
    if relative_to is None:
        return records.filter(**{f"{path}__in": learners})
    return records.filter(relative_to(path))


def month_counts(name: str, field: str, period: Period) -> dict[str, Count]:
    """Counts that give the rows per month of ``period`` by their datetime
    ``field`` (see :func:`per_month`): ``{name}{i}`` counts the rows before
    the first instant of month ``i`` (``i`` = 0 is the start of the period,
    the last one its end). Month ``i`` holds ``{name}{i+1} - {name}{i}``
    rows: the same months as ``TruncMonth`` in the local time zone, but as
    columns of a query grouped by something else, so that the months of a
    figure come from the same pass over the records as its units and
    courses (no extra rows per month, no time-zone conversion per row, one
    comparison per row and month)."""
    months = period.months()
    bounds = [
        period.start_at,
        *(
            timezone.make_aware(datetime.datetime.combine(m, datetime.time.min))
            for m in months[1:]
        ),
        period.end_before,
    ]
    return {
        f"{name}{i}": Count("pk", filter=Q(**{f"{field}__lt": bound}))
        for i, bound in enumerate(bounds)
    }


def per_month(
    row: dict, name: str, period: Period, months: list[datetime.date] | None = None
) -> dict[datetime.date, int]:
    """The rows of each month counted by :func:`month_counts` in ``row``
    (months with none left out). ``months`` is ``period.months()``, passed
    by a caller that reads many rows so that it is worked out once."""
    result = {}
    for i, month in enumerate(period.months() if months is None else months):
        n = row[f"{name}{i + 1}"] - row[f"{name}{i}"]
        if n:
            result[month] = n
    return result
