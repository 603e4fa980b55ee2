"""The province dashboard's figures, kept between requests.

Computed from the records, the province's figures take one scan of every
big table (enrolments, attempts, certificates, attendance) joined to all the
people: over a second at 50,000 learners. The dashboard reads them from a
:class:`~elearning.reports.models.FigureSnapshot` instead:

- Celery beat refreshes the current year every
  ``REPORTS_FIGURES_REFRESH`` seconds, and any other period the dashboard
  showed within the last ``REPORTS_FIGURES_KEEP_WARM`` seconds;
- a request finding no snapshot, or one older than
  ``REPORTS_FIGURES_MAX_AGE`` (beat not running), computes the figures
  itself and keeps them;
- the page says when its figures were computed, and an administrator can
  have them computed again at once;
- ``REPORTS_FIGURES_MAX_AGE = 0`` (``make run``, the tests) computes them on
  every request and keeps nothing.

What is kept is exactly what ``selectors.prefetch`` returns for the whole
province (the metrics' ``rollup`` answers per unit, month and course); the
rest of the page (units rolled up to districts, staff counts, trainers,
labels) is still read on each request. Exports and the yearly report are
always computed from the records when asked.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Hashable

from django.db import transaction
from django.utils import timezone

from . import conf
from .metrics import Figure, Metric, Period, registered_metrics
from .models import FigureSnapshot
from .selectors import Known, learners_where, prefetch

# The groupings the province dashboard shows (views.province_dashboard).
PROVINCE_GROUPS = ("unit", "month", "course")
# Bump when the stored form of the figures changes.
FORMAT = 1


def snapshot_key(period: Period, groups=PROVINCE_GROUPS, metrics=None) -> str:
    """The snapshot's name: period, groupings and the metrics asked."""
    metrics = registered_metrics() if metrics is None else metrics
    names = ",".join(sorted(m.key for m in metrics if m.rollup is not None))
    digest = hashlib.sha256(f"{FORMAT}|{','.join(groups)}|{names}".encode())
    return (
        f"province:{period.start:%Y%m%d}-{period.end:%Y%m%d}:{digest.hexdigest()[:16]}"
    )


def encode(known: Known) -> list:
    """``prefetch``'s answer as JSON: ``[[group, metric, [[key, value, base]…]]…]``."""
    encoded = []
    for (group, metric), values in sorted(known.items()):
        rows = []
        for key, figure in values.items():
            if isinstance(key, datetime.date):
                key = key.isoformat()
            rows.append([key, figure.value, figure.base])
        encoded.append([group, metric, rows])
    return encoded


def decode(encoded: list) -> Known:
    known: Known = {}
    for group, metric, rows in encoded:
        values: dict[Hashable, Figure] = {}
        for key, value, base in rows:
            if group == "month" and key is not None:
                key = datetime.date.fromisoformat(key)
            values[key] = Figure(value, base)
        known[(group, metric)] = values
    return known


def province_figures_refresh(
    *,
    period: Period,
    groups=PROVINCE_GROUPS,
    metrics: list[Metric] | None = None,
    read: bool = False,
) -> FigureSnapshot:
    """Compute the province's figures for ``period`` from the records and
    keep them. ``read``: for a page about to show them (keeps them warm)."""
    metrics = registered_metrics() if metrics is None else metrics
    computed_at = timezone.now()
    started = time.perf_counter()
    known = prefetch(learners_where(), period, groups, metrics)
    values = {
        "start": period.start,
        "end": period.end,
        "figures": encode(known),
        "computed_at": computed_at,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if read:
        values["read_at"] = computed_at
    with transaction.atomic():
        snapshot, _ = FigureSnapshot.objects.update_or_create(
            key=snapshot_key(period, groups, metrics),
            defaults=values,
            create_defaults={"read_at": computed_at, **values},
        )
    return snapshot


def province_figures(
    *, period: Period, groups=PROVINCE_GROUPS, metrics: list[Metric] | None = None
) -> tuple[Known, datetime.datetime | None]:
    """``prefetch``'s answer for the whole province and when it was computed:
    the kept one if it is recent enough, otherwise computed now and kept.
    With ``REPORTS_FIGURES_MAX_AGE`` 0, computed now and not kept (``None``)."""
    metrics = registered_metrics() if metrics is None else metrics
    if conf.get("REPORTS_FIGURES_MAX_AGE") <= 0:
        return prefetch(learners_where(), period, groups, metrics), None
    now = timezone.now()
    snapshot = FigureSnapshot.objects.filter(
        key=snapshot_key(period, groups, metrics)
    ).first()
    max_age = datetime.timedelta(seconds=conf.get("REPORTS_FIGURES_MAX_AGE"))
    if snapshot is None or now - snapshot.computed_at > max_age:
        snapshot = province_figures_refresh(
            period=period, groups=groups, metrics=metrics, read=True
        )
    elif now - snapshot.read_at > datetime.timedelta(minutes=1):
        FigureSnapshot.objects.filter(pk=snapshot.pk).update(read_at=now)
    return decode(snapshot.figures), snapshot.computed_at


def province_figures_refresh_due() -> int:
    """Beat's work: refresh the current year and every period shown within
    ``REPORTS_FIGURES_KEEP_WARM`` seconds; forget snapshots nobody has read
    for a day. Returns how many were refreshed."""
    now = timezone.now()
    periods = {Period.year(timezone.localdate().year)}
    recent = now - datetime.timedelta(seconds=conf.get("REPORTS_FIGURES_KEEP_WARM"))
    for start, end in FigureSnapshot.objects.filter(read_at__gte=recent).values_list(
        "start", "end"
    ):
        periods.add(Period(start, end))
    metrics = registered_metrics()
    keys = []
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        keys.append(province_figures_refresh(period=period, metrics=metrics).key)
    FigureSnapshot.objects.filter(read_at__lt=now - datetime.timedelta(days=1)).exclude(
        key__in=keys
    ).delete()
    return len(keys)
