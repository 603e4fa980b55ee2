"""Reads behind the dashboards, exports and the yearly report.

Everything personal is narrowed by the scoping layer first
(``User.objects.visible_to``, ``restrict``); figures come from the metrics
registry, one aggregate query per metric and grouping; units are rolled up
to districts in Python over units (a few hundred rows), never over learners.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from elearning.people.models import (
    AdministrativeUnit,
    Agency,
    StaffProfile,
    UnitSuccession,
    User,
)
from elearning.people.scoping import people_condition, restrict

from .metrics import Figure, Metric, Period

Level = AdministrativeUnit.Level


def units_visible_to(user) -> QuerySet[AdministrativeUnit]:
    """Units ``user`` may report on (their subtree; all for an admin)."""
    return restrict(
        AdministrativeUnit.objects.all(), user, unit_field="pk", owner_field=None
    )


def agencies_visible_to(user) -> QuerySet[Agency]:
    return restrict(Agency.objects.all(), user, unit_field="unit", owner_field=None)


def learners_visible_to(
    user, *, unit: AdministrativeUnit | None = None, agency: Agency | None = None
) -> QuerySet[User]:
    """Active people with a unit whom ``user`` may see, optionally narrowed."""
    unit_ids = unit.subtree_ids() if unit is not None else None
    return learners_where(
        visible_to=user, unit_ids=unit_ids, agency_id=agency.pk if agency else None
    )


def learners_where(
    *,
    visible_to=None,
    unit_ids: Iterable[int] | None = None,
    agency_id: int | None = None,
) -> QuerySet[User]:
    """Active people with a unit (whom ``visible_to`` may see, if given), in
    ``unit_ids`` and ``agency_id`` if given.

    The queryset also carries the same condition as a function of a path
    (``relative_to("learner")`` is a ``Q`` on a record's ``learner``): a
    figure grouped by its holder's unit filters through the join it groups
    by instead of a sub-query over the people (``providers.held_by``). A
    narrower queryset made from this one (``.filter()`` …) does not carry
    it and is used as a sub-query.
    """
    where = None if visible_to is None else people_condition(visible_to)
    unit_ids = None if unit_ids is None else sorted(unit_ids)

    def relative_to(path: str = "") -> Q:
        prefix = f"{path}__" if path else ""
        # A person whose processing is restricted at their request is kept
        # but counted nowhere (people.data_requests).
        condition = Q(
            **{
                f"{prefix}is_active": True,
                f"{prefix}profile__unit__isnull": False,
                f"{prefix}profile__processing_restricted": False,
            }
        )
        if where is not None:
            condition &= where(prefix)
        if unit_ids is not None:
            condition &= Q(**{f"{prefix}profile__unit_id__in": unit_ids})
        if agency_id is not None:
            condition &= Q(**{f"{prefix}profile__agency_id": agency_id})
        return condition

    learners = User.objects.filter(relative_to())
    learners.relative_to = relative_to
    return learners


def own_unit(user) -> AdministrativeUnit | None:
    profile = StaffProfile.objects.filter(user=user).select_related("unit").first()
    return profile.unit if profile is not None else None


# --- Figures ----------------------------------------------------------------


Known = dict[tuple[str, str], dict[Hashable, Figure]]


def prefetch(
    learners: QuerySet, period: Period, groups: Iterable[str], metrics
) -> Known:
    """What the metrics' ``rollup`` functions answer for ``groups``, each
    function asked once: ``{(group, metric key): {key: Figure}}``. A page
    showing several groupings passes it to its tables (``known=``), which
    ask only for the rest."""
    groups = tuple(groups)
    known: Known = {}
    asked = []
    for metric in metrics:
        if metric.rollup is None or metric.rollup in asked:
            continue
        asked.append(metric.rollup)
        for group, per_metric in (
            metric.rollup(learners, period, groups) or {}
        ).items():
            for key, values in per_metric.items():
                known[(group, key)] = values
    return known


def figures(
    learners: QuerySet,
    period: Period,
    group: str,
    metrics: Iterable[Metric],
    known: Known | None = None,
) -> dict[Hashable, dict[str, Figure]]:
    """``{group key: {metric key: Figure}}``: one query per metric (or per
    batch of metrics sharing a ``batch`` function), none for what ``known``
    (:func:`prefetch`) holds."""
    return _figures(learners, period, group, metrics, known)[0]


def _figures(
    learners: QuerySet,
    period: Period,
    group: str,
    metrics: Iterable[Metric],
    known: Known | None = None,
) -> tuple[dict[Hashable, dict[str, Figure]], list[Metric]]:
    """:func:`figures` and the metrics that answer ``group``."""
    result: dict[Hashable, dict[str, Figure]] = {}
    answered = []
    batches: dict[object, dict | None] = {}
    known = known or {}
    for metric in metrics:
        values = None
        if (group, metric.key) in known:
            values = known[(group, metric.key)]
        elif metric.batch is not None:
            if metric.batch not in batches:
                batches[metric.batch] = metric.batch(learners, period, group)
            batched = batches[metric.batch]
            if batched is not None and metric.key in batched:
                values = batched[metric.key]
            else:
                values = metric.compute(learners, period, group)
        else:
            values = metric.compute(learners, period, group)
        if values is None:
            continue
        answered.append(metric)
        for key, figure in values.items():
            result.setdefault(key, {})[metric.key] = figure
    if group == "total":
        result.setdefault(None, {})
    for row in result.values():
        for metric in answered:
            row.setdefault(metric.key, _zero(metric))
    return result, answered


def _zero(metric: Metric) -> Figure:
    return Figure(0, 0) if metric.is_rate else Figure(0)


def _sums(data, answered) -> dict[str, Figure]:
    """Each answered metric added up over every key of a grouping."""
    total = add_up(data.values())
    return {m.key: total.get(m.key, _zero(m)) for m in answered}


def add_up(rows: Iterable[dict[str, Figure]]) -> dict[str, Figure]:
    total: dict[str, Figure] = {}
    for row in rows:
        for key, figure in row.items():
            total[key] = total[key] + figure if key in total else figure
    return total


@dataclass
class Row:
    label: str
    figures: dict[str, Figure]
    params: dict[str, str] = field(default_factory=dict)
    obj: object = None


@dataclass
class Table:
    caption: str
    head: str
    metrics: list[Metric]
    rows: list[Row]
    total: Row | None = None
    export: str = ""
    # Each metric that answered the grouping, added up over all its keys
    # (shown or not): the total of the additive ones (see ``summary``).
    sums: dict[str, Figure] = field(default_factory=dict)

    def values(self, row: Row) -> list[Figure | None]:
        return [row.figures.get(m.key) for m in self.metrics]


def _answered(metrics, data) -> list[Metric]:
    """The metrics that answer this grouping (all of them if no rows)."""
    if not data:
        return list(metrics)
    keys = set().union(*(row.keys() for row in data.values()))
    return [m for m in metrics if m.key in keys]


def course_table(learners, period, metrics, *, known: Known | None = None) -> Table:
    from courses.models import CoursePage

    data = figures(learners, period, "course", metrics, known)
    courses = CoursePage.objects.filter(pk__in=[k for k in data if k]).order_by("title")
    rows = [
        Row(f"{c.title} ({c.code})", data[c.pk], {"course": str(c.pk)}, c)
        for c in courses
    ]
    return Table(
        _("Theo khóa học"),
        _("Khóa học"),
        _answered(metrics, data),
        rows,
        export="course",
    )


def agency_table(
    learners,
    period,
    metrics,
    *,
    known: Known | None = None,
    with_unknown: bool = False,
) -> Table:
    """Figures per agency. ``with_unknown`` adds a last row for the people
    with no agency (when there are any), so that the rows add up to the
    total (the dashboards, their exports and the yearly report ask for it)."""
    data, answered = _figures(learners, period, "agency", metrics, known)
    agencies = Agency.objects.filter(pk__in=[k for k in data if k]).order_by("name")
    rows = [Row(a.name, data[a.pk], {"agency": str(a.pk)}, a) for a in agencies]
    if with_unknown and None in data:
        rows.append(Row(_("Không xác định cơ quan, đơn vị"), data[None]))
    return Table(
        _("Theo cơ quan, đơn vị"),
        _("Cơ quan, đơn vị"),
        _answered(metrics, data),
        rows,
        export="agency",
        sums=_sums(data, answered),
    )


def month_table(learners, period, metrics, *, known: Known | None = None) -> Table:
    metrics = [m for m in metrics if m.key in ("enrolled", "completed")] + [
        m for m in metrics if m.order > 50 and not m.is_rate
    ]
    data = figures(learners, period, "month", metrics, known)
    zero = {m.key: Figure(0) for m in metrics}
    rows = [Row(f"{m:%m/%Y}", data.get(m, zero), {}, m) for m in period.months()]
    return Table(_("Theo tháng"), _("Tháng"), metrics, rows, export="month")


# --- Units over time ----------------------------------------------------------


class UnitMap:
    """Maps any unit to the reporting unit that holds it on ``day`` — or,
    given ``start``, during the period from ``start`` to ``day``.

    Reporting units are the units directly under the province (districts
    until 30/06/2025, then communes and wards). A unit valid at any time in
    the period is its own reporting unit, or rolls up to the one above it
    that was valid then (an old commune to its district); only a unit that
    ended before the period began is followed through UnitSuccession to the
    unit valid in it (on a split, the first successor). One that ended with
    no recorded successor stays itself, marked as ended, so that no one
    drops out of a total. Province-level units map to themselves. Without
    ``start`` the period is the one day. Two queries.
    """

    def __init__(self, day: datetime.date, start: datetime.date | None = None):
        self.day = day
        self.start = min(start or day, day)
        self.units = {u.pk: u for u in AdministrativeUnit.objects.all()}
        self.successor: dict[int, int] = {}
        # Every succession, for a unit that began after the period: the
        # units it came from (see district()).
        self.predecessors: dict[int, list[int]] = {}
        for pred, succ, effective in UnitSuccession.objects.order_by(
            "effective_date", "pk"
        ).values_list("predecessor_id", "successor_id", "effective_date"):
            if effective <= day:
                self.successor.setdefault(pred, succ)
            self.predecessors.setdefault(succ, []).append(pred)
        self._cache: dict[int | None, AdministrativeUnit | None] = {}

    def on_day(self) -> UnitMap:
        """The same units mapped as on ``day`` alone (no query)."""
        if self.start == self.day:
            return self
        other = copy.copy(self)
        other.start = self.day
        other._cache = {}
        return other

    def valid(self, unit: AdministrativeUnit) -> bool:
        """Valid at some time in the period."""
        return unit.valid_from <= self.day and (
            unit.valid_to is None or unit.valid_to >= self.start
        )

    def _valid_from_start(self, unit: AdministrativeUnit) -> bool:
        return unit.valid_from <= self.start and (
            unit.valid_to is None or unit.valid_to >= self.start
        )

    def _current(self, unit_id: int) -> AdministrativeUnit:
        seen: set[int] = set()
        unit = self.units[unit_id]
        while not self.valid(unit) and unit.pk not in seen:
            seen.add(unit.pk)
            successor = self.successor.get(unit.pk)
            if successor is None:
                break
            unit = self.units[successor]
        return unit

    def _is_top(self, unit: AdministrativeUnit) -> bool:
        parent = self.units.get(unit.parent_id)
        return parent is None or parent.level == Level.PROVINCE

    def _earlier(self, unit: AdministrativeUnit) -> AdministrativeUnit | None:
        """For a unit that began after the period (a person's commune of
        today in the report of 2024): the one reporting unit of the period
        that all the units it came from rolled up to, or None when they
        were in several (a commune formed across two districts)."""
        tops: set[int] = set()
        frontier, seen = [unit.pk], set()
        while frontier:
            pk = frontier.pop()
            if pk in seen:
                continue
            seen.add(pk)
            for pred in self.predecessors.get(pk, []):
                before = self.units[pred]
                if self.valid(before):
                    top = self._roll_up(before)
                    if top is not None:
                        tops.add(top.pk)
                elif before.valid_from > self.day:
                    frontier.append(pred)
        return self.units[tops.pop()] if len(tops) == 1 else None

    def _roll_up(self, unit: AdministrativeUnit | None) -> AdministrativeUnit | None:
        seen: set[int] = set()
        while (
            unit is not None
            and unit.level != Level.PROVINCE
            and not self._is_top(unit)
            and unit.pk not in seen
        ):
            seen.add(unit.pk)
            unit = self._current(unit.parent_id)
        return unit

    def district(self, unit_id: int | None) -> AdministrativeUnit | None:
        if unit_id in self._cache:
            return self._cache[unit_id]
        unit = self._current(unit_id) if unit_id in self.units else None
        if unit is not None and unit.valid_from > self.day:
            unit = self._earlier(unit) or unit
        unit = self._roll_up(unit)
        self._cache[unit_id] = unit
        return unit

    def province(self) -> AdministrativeUnit | None:
        return next(
            (
                u
                for u in sorted(self.units.values(), key=lambda u: u.code)
                if u.level == Level.PROVINCE and self.valid(u)
            ),
            None,
        )

    def reporting_units(self, with_data=(), within=None) -> list[AdministrativeUnit]:
        """Units under the province valid on the period's first day, those
        that began during it and hold figures (``with_data``), then ended
        units that still hold them; optionally only those ``within``."""
        ids = None if within is None else set(within.values_list("pk", flat=True))
        valid = [
            u
            for u in self.units.values()
            if u.level != Level.PROVINCE
            and self._is_top(u)
            and self.valid(u)
            and (self._valid_from_start(u) or u.pk in with_data)
        ]
        ended = [
            self.units[pk]
            for pk in with_data
            if pk in self.units
            and not self.valid(self.units[pk])
            and self.units[pk].level != Level.PROVINCE
        ]
        units = sorted(valid, key=lambda u: u.code) + sorted(
            ended, key=lambda u: u.code
        )
        return [u for u in units if ids is None or u.pk in ids]

    def label(self, unit: AdministrativeUnit) -> str:
        if self.valid(unit) or unit.valid_to is None:
            return unit.full_name
        return _("%(unit)s (hết hiệu lực từ %(day)s)") % {
            "unit": unit.full_name,
            "day": (unit.valid_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
        }


def district_table(
    learners,
    period,
    metrics,
    *,
    day=None,
    within=None,
    known: Known | None = None,
    group: str = "unit",
    unit_map: UnitMap | None = None,
) -> Table:
    """Figures per reporting unit, plus the province level.

    By default (the dashboards) people are counted under their unit now,
    rolled up as on ``day``. The yearly report passes ``group="record_unit"``
    and a ``unit_map`` of the whole period: each record under the unit it
    was made under, reporting units being those valid in the period."""
    day = day or min(period.end, timezone.localdate())
    unit_map = unit_map or UnitMap(day)
    data, answered = _figures(learners, period, group, metrics, known)
    per_district: dict[int | None, list[dict[str, Figure]]] = {}
    for unit_id, row in data.items():
        target = unit_map.district(unit_id)
        per_district.setdefault(target.pk if target else None, []).append(row)
    rows = [
        Row(
            unit_map.label(d),
            add_up(per_district.get(d.pk, [])),
            {"unit": str(d.pk)},
            d,
        )
        for d in unit_map.reporting_units(per_district, within)
    ]
    for unit in sorted(
        (unit_map.units[k] for k in per_district if k in unit_map.units),
        key=lambda u: u.code,
    ):
        if unit.level == Level.PROVINCE:
            rows.append(
                Row(
                    _("Cơ quan cấp tỉnh (%(unit)s)") % {"unit": unit.full_name},
                    add_up(per_district[unit.pk]),
                    {},
                    unit,
                )
            )
    if None in per_district:
        rows.append(Row(_("Không xác định đơn vị"), add_up(per_district[None])))
    total = Row(_("Tổng cộng"), add_up(data.values()))
    return Table(
        _("Theo đơn vị hành chính"),
        _("Đơn vị hành chính"),
        list(metrics),
        rows,
        total,
        export="district",
        sums=_sums(data, answered),
    )


def summary(
    learners, period, metrics, *, parts: Table | None = None, known: Known | None = None
) -> Row:
    """The totals row. ``parts``, a table of the same learners and period
    grouped by unit or agency, gives the total of every additive metric it
    answered (its sum), so those are not asked again."""
    sums = parts.sums if parts is not None else {}
    derived = {m.key: sums[m.key] for m in metrics if m.additive and m.key in sums}
    asked = figures(
        learners, period, "total", [m for m in metrics if m.key not in derived], known
    ).get(None, {})
    return Row(
        _("Tổng cộng"),
        {
            m.key: derived[m.key] if m.key in derived else asked[m.key]
            for m in metrics
            if m.key in derived or m.key in asked
        },
    )


# --- Province trend over the years -------------------------------------------

TREND_KEYS = ("enrolled", "completed", "certificates_issued")
TREND_YEARS = 5


def trend_years(today: datetime.date | None = None) -> list[int]:
    """The years the province trend may show: from the year of the first
    enrolment to this one, the last ``TREND_YEARS`` at most (one query)."""
    from django.db.models import Min

    from courses.models import Enrolment

    this_year = (today or timezone.localdate()).year
    first = Enrolment.objects.filter(status__in=Enrolment.ACTIVE).aggregate(
        first=Min("created_at")
    )["first"]
    if first is None:
        return []
    start = max(timezone.localtime(first).year, this_year - TREND_YEARS + 1)
    return list(range(start, this_year + 1))


def trend_table(learners, metrics, years: Iterable[int], *, known_of=None) -> Table:
    """The key figures of each year (enrolled, completed, certificates
    issued) for ``learners``, a row per year that has any. ``known_of(period)``
    may give each year's figures already computed (the province dashboard's
    kept figures); the totals are added up from the figures per learner's
    unit, which these additive figures allow."""
    chosen = [m for m in metrics if m.key in TREND_KEYS]
    rows = []
    for year in years:
        period = Period.year(year)
        known = known_of(period) if known_of is not None else None
        data, answered = _figures(learners, period, "unit", chosen, known)
        totals = _sums(data, answered)
        if any(f.value for f in totals.values()):
            rows.append(Row(str(year), totals, {}, year))
    return Table(
        _("Diễn biến qua các năm (toàn tỉnh)"),
        _("Năm"),
        chosen,
        rows,
        export="trend",
    )


def chart(
    chart_id: str, title: str, table: Table, metric_keys=None, kind: str = "bar"
) -> dict:
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": title,
        "type": kind,
        "data": chart_data(table, metric_keys),
    }


def chart_data(table: Table, metric_keys: Iterable[str] | None = None) -> dict:
    """What static/js/reports.js draws: labels and one series per metric."""
    metrics = [
        m
        for m in table.metrics
        if (m.key in metric_keys if metric_keys is not None else m.chart)
    ]
    return {
        "labels": [r.label for r in table.rows],
        "datasets": [
            {
                "label": str(m.label),
                "data": [
                    (f.value if (f := r.figures.get(m.key)) else 0) for r in table.rows
                ],
            }
            for m in metrics
        ],
    }
