"""The province dashboard's figures kept between requests (snapshots.py)."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from elearning.reports import snapshots
from elearning.reports.metrics import Figure, Period, registered_metrics
from elearning.reports.models import FigureSnapshot
from elearning.reports.selectors import learners_where, prefetch

from .dataset import at, enrol
from .helpers import soup, table

pytestmark = pytest.mark.django_db
PROVINCE = reverse("reports:province")
REFRESH = reverse("reports:province_refresh")
XL = "Huyện Xuân Lộc (hết hiệu lực từ 01/07/2025)"
YEAR = Period.year(2026)
MAX_AGE = 900


@pytest.fixture(autouse=True)
def kept_figures(settings):
    """Production's value (the test settings compute on every request)."""
    settings.REPORTS_FIGURES_MAX_AGE = MAX_AGE


def later(seconds: int):
    """Pretend ``seconds`` have passed (for the snapshots' clock only)."""
    now = timezone.now() + datetime.timedelta(seconds=seconds)
    return mock.patch.object(snapshots.timezone, "now", return_value=now)


def enrol_one_more(dataset):
    enrol(dataset.xuan_loc[0], dataset.course_b, created=at(2026, 3, 1))


def test_kept_figures_are_what_the_records_give(dataset):
    metrics = registered_metrics()
    live = prefetch(learners_where(), YEAR, snapshots.PROVINCE_GROUPS, metrics)
    snapshot = snapshots.province_figures_refresh(period=YEAR, metrics=metrics)
    kept = snapshots.decode(FigureSnapshot.objects.get(pk=snapshot.pk).figures)
    assert kept == live
    # Every grouping is there, with its own kind of key.
    assert {group for group, _metric in kept} == set(snapshots.PROVINCE_GROUPS)
    months = kept[("month", "enrolled")]
    assert all(isinstance(key, datetime.date) for key in months)
    assert sum(f.value for f in months.values()) == 11
    assert all(isinstance(f, Figure) for v in kept.values() for f in v.values())


def test_page_shows_kept_figures_and_when_they_were_computed(
    client, dataset, province_admin
):
    client.force_login(province_admin)
    first = client.get(PROVINCE, {"year": 2026})
    assert table(first, "district")["Tổng cộng"]["enrolled"] == "11"
    # The year shown (the trend over the years keeps the other years).
    snapshot = FigureSnapshot.objects.get(start=YEAR.start, end=YEAR.end)
    stamp = soup(first).select_one('[data-testid="figures-time"]').get_text(" ")
    local = timezone.localtime(snapshot.computed_at)
    assert f"{local:%H:%M} ngày {local:%d/%m/%Y}" in stamp
    assert "15 phút" in stamp

    enrol_one_more(dataset)
    # Within REPORTS_FIGURES_MAX_AGE the page shows the kept figures …
    with later(MAX_AGE - 60):
        kept = client.get(PROVINCE, {"year": 2026})
    assert table(kept, "district")["Tổng cộng"]["enrolled"] == "11"
    # … and past it computes them again, however beat is doing.
    with later(MAX_AGE + 60):
        fresh = client.get(PROVINCE, {"year": 2026})
    assert table(fresh, "district")["Tổng cộng"]["enrolled"] == "12"
    assert table(fresh, "district")[XL]["enrolled"] == "7"
    assert (
        FigureSnapshot.objects.get(start=YEAR.start, end=YEAR.end).computed_at
        > snapshot.computed_at
    )


def test_refresh_now_shows_the_records_at_once(client, dataset, province_admin):
    client.force_login(province_admin)
    client.get(PROVINCE, {"year": 2026})
    enrol_one_more(dataset)
    assert (
        table(client.get(PROVINCE, {"year": 2026}), "district")["Tổng cộng"]["enrolled"]
        == "11"
    )
    response = client.post(REFRESH + "?year=2026", follow=True)
    assert response.redirect_chain == [(PROVINCE + "?year=2026", 302)]
    assert table(response, "district")["Tổng cộng"]["enrolled"] == "12"
    assert "Đã tính lại số liệu toàn tỉnh." in response.content.decode()


def test_refresh_keeps_the_chosen_period(client, dataset, province_admin):
    client.force_login(province_admin)
    response = client.post(REFRESH + "?start=01/02/2026&end=30/06/2026")
    assert response.status_code == 302
    assert response["Location"] == PROVINCE + "?start=01%2F02%2F2026&end=30%2F06%2F2026"
    snapshot = FigureSnapshot.objects.get()
    assert (snapshot.start, snapshot.end) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 6, 30),
    )
    # A bad period is refused, nothing computed.
    assert client.post(REFRESH + "?year=1800").status_code == 404
    assert FigureSnapshot.objects.count() == 1


def test_each_period_has_its_own_figures(client, dataset, province_admin):
    client.force_login(province_admin)
    year = table(client.get(PROVINCE, {"year": 2026}), "district")
    spring = table(
        client.get(PROVINCE, {"start": "01/02/2026", "end": "31/03/2026"}), "district"
    )
    # (and the other years of the trend over the years)
    assert {(s.start, s.end) for s in FigureSnapshot.objects.all()} >= {
        (YEAR.start, YEAR.end),
        (datetime.date(2026, 2, 1), datetime.date(2026, 3, 31)),
    }
    assert spring["Tổng cộng"]["enrolled"] != year["Tổng cộng"]["enrolled"]
    assert table(client.get(PROVINCE, {"year": 2026}), "district") == year


def test_a_new_metric_is_never_read_from_older_figures(dataset):
    metrics = registered_metrics()
    key = snapshots.snapshot_key(YEAR, metrics=metrics)
    assert snapshots.snapshot_key(YEAR, metrics=metrics) == key
    assert snapshots.snapshot_key(YEAR, metrics=metrics[:-1]) != key
    assert snapshots.snapshot_key(Period.year(2025), metrics=metrics) != key


def test_beat_refreshes_this_year_and_periods_in_use(dataset):
    this_year = Period.year(timezone.localdate().year)
    shown = Period(datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))
    forgotten = Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    snapshots.province_figures(period=shown)
    old = snapshots.province_figures_refresh(period=forgotten)
    FigureSnapshot.objects.filter(pk=old.pk).update(
        read_at=timezone.now() - datetime.timedelta(days=2)
    )
    before = FigureSnapshot.objects.get(start=shown.start)
    enrolled = snapshots.decode(before.figures)[("unit", "enrolled")]
    enrol_one_more(dataset)

    assert snapshots.province_figures_refresh_due() == 2

    kept = {(s.start, s.end): s for s in FigureSnapshot.objects.all()}
    assert set(kept) == {(this_year.start, this_year.end), (shown.start, shown.end)}
    assert kept[(shown.start, shown.end)].computed_at > before.computed_at
    figures = snapshots.decode(kept[(shown.start, shown.end)].figures)
    after = figures[("unit", "enrolled")]
    assert sum(f.value for f in after.values()) == 1 + sum(
        f.value for f in enrolled.values()
    )


def test_beat_schedule_runs_the_refresh():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-province-figures"]
    assert entry["task"] == "elearning.reports.tasks.refresh_province_figures"
    assert entry["schedule"] == settings.REPORTS_FIGURES_REFRESH


def test_refresh_task_computes_the_current_year(dataset):
    from elearning.reports.tasks import refresh_province_figures

    assert refresh_province_figures.delay().get() == 1
    snapshot = FigureSnapshot.objects.get()
    assert snapshot.start == datetime.date(timezone.localdate().year, 1, 1)


def test_no_figures_kept_with_a_maximum_age_of_zero(
    client, dataset, province_admin, settings
):
    settings.REPORTS_FIGURES_MAX_AGE = 0
    client.force_login(province_admin)
    first = client.get(PROVINCE, {"year": 2026})
    assert table(first, "district")["Tổng cộng"]["enrolled"] == "11"
    assert soup(first).select_one('[data-testid="figures-time"]') is None
    enrol_one_more(dataset)
    again = client.get(PROVINCE, {"year": 2026})
    assert table(again, "district")["Tổng cộng"]["enrolled"] == "12"
    assert not FigureSnapshot.objects.exists()
