"""The metrics registry: every figure a dashboard or report shows.

An app that holds learning records registers its figures in its
``AppConfig.ready()``::

    from elearning.reports.metrics import register_metric
    register_metric(key="quiz_pass_rate", label=_("Tỷ lệ đạt bài kiểm tra"),
                    compute=quiz_pass_rate, people=quiz_passers, is_rate=True)

``compute(learners, period, group)`` receives

- ``learners``: a ``QuerySet`` of users already narrowed by the scoping layer
  (and by the unit/agency the reader chose); filter records with
  ``learner__in=learners`` (one sub-query), never by iterating it;
- ``period``: a :class:`Period` (inclusive dates, aware datetime bounds);
- ``group``: one of :data:`GROUPS`.

and returns ``{key: Figure}`` where ``key`` is the learner's
``profile.unit_id`` ("unit": the person's unit now, what the dashboards
show), the unit each record was made under ("record_unit": the record's
own ``unit``, kept when it was created, or the learner's unit now where it
has none; what the yearly report groups by, so that a year across the
2025 reform shows the districts before 1 July and the communes after),
``profile.agency_id`` ("agency"), the course page id ("course"), the first
day of the month as a ``date`` ("month") or ``None`` ("total"). A figure
about people rather than records (the staff count) answers "record_unit"
with the person's unit now; one about things the learners share (classes
held) with the same key as "unit". Every metric answers "record_unit"
wherever it answers "unit". A key left out means zero; a group the metric cannot
answer at all returns ``None`` (shown as "—"). Figures are computed with aggregate queries (GROUP BY), so the number of
queries never depends on the number of learners. Counts are ``Figure(n)``;
rates are ``Figure(numerator, denominator)`` so that the reports can add
units up to districts and the province before dividing.

``people(learners, period, course_id)`` (optional) returns the users behind
the number, for the drill-down list.

Two optional hints keep a dashboard's query count down without changing a
figure:

- ``additive=True``: every record counts under exactly one learner, so the
  "total" is the sum of the "unit" (or "agency") figures, the ``None`` key
  included; a dashboard that already has one of those groupings adds it up
  instead of asking again. A metric counting distinct things that several
  learners share (classes held) is not additive.
- ``batch(learners, period, group)``: one function shared by several
  metrics that returns ``{metric key: {key: Figure}}`` for all of them in
  one query (or ``None`` for a group it does not batch, when each metric's
  own ``compute`` answers). It must give exactly what the ``compute``
  functions give.
- ``rollup(learners, period, groups)``: one function shared by several
  metrics that answers several groupings at once — e.g. one query grouped
  by unit *and* course, added up here into the figures per unit and per
  course — and returns ``{group: {metric key: {key: Figure}}}`` for the
  groups (of the tuple ``groups``) it answers. A page that shows several
  groupings asks it first (``selectors.prefetch``); whatever it leaves out
  is asked of ``batch``/``compute``. It must give exactly what they give:
  counts of records add up over any grouping, but a count of *distinct*
  learners adds up over units and agencies only (each learner has one);
  by "record_unit" a learner whose records were made under two units is
  counted under each.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

GROUPS = ("total", "unit", "record_unit", "agency", "course", "month")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the local time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.start, datetime.time.min)
        )

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period (an exclusive bound)."""
        return timezone.make_aware(
            datetime.datetime.combine(
                self.end + datetime.timedelta(days=1), datetime.time.min
            )
        )

    def months(self) -> list[datetime.date]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class Figure:
    """A count, or a rate kept as numerator and denominator."""

    value: int
    base: int | None = None

    def __add__(self, other: Figure) -> Figure:
        if self.base is None and other.base is None:
            return Figure(self.value + other.value)
        return Figure(self.value + other.value, (self.base or 0) + (other.base or 0))

    @property
    def percent(self) -> Decimal | None:
        """The rate as a percentage rounded to one decimal (None if no base)."""
        if not self.base:
            return None
        return (Decimal(self.value) * 100 / Decimal(self.base)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


Compute = Callable[[QuerySet, Period, str], dict[Hashable, Figure] | None]
Batch = Callable[[QuerySet, Period, str], dict[str, dict[Hashable, Figure]] | None]
Rollup = Callable[
    [QuerySet, Period, tuple[str, ...]], dict[str, dict[str, dict[Hashable, Figure]]]
]
People = Callable[..., QuerySet]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    compute: Compute
    people: People | None = None
    is_rate: bool = False
    order: int = 100
    chart: bool = False
    additive: bool = False
    batch: Batch | None = None
    rollup: Rollup | None = None

    @property
    def drillable(self) -> bool:
        return self.people is not None


_METRICS: dict[str, Metric] = {}


def register_metric(
    *,
    key: str,
    label: str,
    compute: Compute,
    people: People | None = None,
    is_rate: bool = False,
    order: int = 100,
    chart: bool = False,
    additive: bool = False,
    batch: Batch | None = None,
    rollup: Rollup | None = None,
) -> None:
    """Register (or replace) the metric ``key``.

    ``order`` places its column (core figures use 10–50); ``chart`` puts it
    on the dashboards' bar charts; ``additive``, ``batch`` and ``rollup``:
    see above.
    """
    _METRICS[key] = Metric(
        key, label, compute, people, is_rate, order, chart, additive, batch, rollup
    )


def registered_metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: (m.order, m.key))


def get_metric(key: str) -> Metric | None:
    return _METRICS.get(key)


# --- Extra tables of the province dashboard ---------------------------------
#
# An app may add a whole table to the province dashboard (admins only) when
# its rows are not learners' units, courses or months — e.g. trainers'
# activity. ``build(user, period)`` returns a ``selectors.Table`` whose
# ``export`` is ``key`` (the table is also exported as CSV/XLSX under that
# name); it must take a constant number of queries.

ProvinceTable = Callable[..., object]
_PROVINCE_TABLES: dict[str, ProvinceTable] = {}


def register_province_table(*, key: str, build: ProvinceTable) -> None:
    _PROVINCE_TABLES[key] = build


def province_tables() -> dict[str, ProvinceTable]:
    return dict(_PROVINCE_TABLES)
