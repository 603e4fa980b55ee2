from __future__ import annotations

import functools

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join

from ..metrics import Figure

register = template.Library()


def format_figure(figure: Figure | None, is_rate: bool = False) -> str:
    """10.000 for counts, 85,5 % for rates (in the active language), — if none."""
    if figure is None:
        return "—"
    if is_rate:
        percent = figure.percent
        if percent is None:
            return "—"
        return f"{number_format(percent, 1, use_l10n=True)} %"
    return number_format(figure.value, use_l10n=True, force_grouping=True)


@register.simple_tag
def figure_of(row, metric) -> str:
    return format_figure(row.figures.get(metric.key), metric.is_rate)


@register.filter
def figure(value: Figure | None) -> str:
    return format_figure(value)


@register.simple_tag
def drill_query(base: dict, row_params: dict, metric) -> str:
    """Query string of the learners behind one cell."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update({k: v for k, v in base.items() if v not in (None, "")})
    query.update(row_params)
    query["metric"] = metric.key
    return query.urlencode()


@register.filter
def urlencode_dict(value: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(value or {})


@register.simple_tag
def figure_cells(table, row, base: dict) -> str:
    """The cells of one table row: each figure, linked to its drill-down when
    it has one. One tag per row rather than per cell (a province table has
    a thousand cells): the drill-down address is reversed once."""
    from django.http import QueryDict

    learners_url = reverse("reports:learners")
    # The row's part of every cell's query string, made once: what
    # drill_query gives, "metric" being added last.
    prefix = None
    if row.params:
        query = QueryDict(mutable=True)
        query.update({k: v for k, v in base.items() if v not in (None, "")})
        query.update(row.params)
        if "metric" not in query:
            prefix = query.urlencode()
    cells = []
    for metric in table.metrics:
        text = figure_of(row, metric)
        if metric.drillable and row.params and metric.key in row.figures:
            if prefix is None:
                query = drill_query(base, row.params, metric)
            else:
                query = _with_metric(prefix, metric.key)
            text = format_html('<a href="{}?{}">{}</a>', learners_url, query, text)
        cells.append((metric.key, text))
    return format_html_join(
        "\n          ", '<td class="text-end" data-metric="{}">{}</td>', cells
    )


def _with_metric(prefix: str, key: str) -> str:
    """``prefix`` (an encoded query string) followed by ``metric=key``,
    encoded as ``QueryDict.urlencode`` does."""
    metric = _metric_query(key)
    return f"{prefix}&{metric}" if prefix else metric


@functools.lru_cache(maxsize=64)
def _metric_query(key: str) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query["metric"] = key
    return query.urlencode()
