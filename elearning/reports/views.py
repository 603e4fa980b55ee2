"""Dashboards, drill-down, exports and the yearly report page.

Scope comes from the selectors (the scoping layer): a unit id outside the
reader's scope makes the filter form invalid and the answer is 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elearning.people.models import AdministrativeUnit
from elearning.people.reauth import export_personal_data, list_personal_data
from elearning.spreadsheets import XLSX_CONTENT_TYPE

from . import conf, exports, snapshots
from .forms import ReportFilterForm, YearlyReportForm
from .metrics import get_metric, province_tables, registered_metrics
from .models import ReportJob
from .selectors import (
    TREND_KEYS,
    agencies_visible_to,
    agency_table,
    chart,
    course_table,
    district_table,
    learners_visible_to,
    month_table,
    own_unit,
    prefetch,
    summary,
    trend_table,
    trend_years,
    units_visible_to,
)
from .services import report_job_create
from .yearly import report_filename


def _require_reader(user) -> None:
    if not (user.is_province_admin or user.is_unit_officer):
        raise PermissionDenied


def _filters(request, *, with_unit: bool = True):
    """(form, period, unit) for a dashboard request; 404 outside the scope."""
    user = request.user
    units = units_visible_to(user) if with_unit else None
    options = {"units": units, "whole_province": user.is_province_admin}
    form = ReportFilterForm(request.GET or None, **options)
    if form.is_bound and not form.is_valid():
        if form.has_error("unit", "invalid_choice"):
            raise Http404
        return form, None, None
    if not form.is_bound:
        initial = {} if user.is_province_admin else {"unit": own_unit(user)}
        form = ReportFilterForm(
            {k: v.pk for k, v in initial.items() if v is not None}, **options
        )
        form.is_valid()
    unit = form.cleaned_data.get("unit")
    if unit is None and with_unit and not user.is_province_admin:
        unit = own_unit(user)
        if unit is None:
            raise Http404
    return form, form.period(), unit


def _base_query(form, unit) -> dict:
    data = form.cleaned_data if form.is_valid() else {}
    query = {}
    if data.get("start"):
        query["start"] = data["start"].strftime("%d/%m/%Y")
        query["end"] = data["end"].strftime("%d/%m/%Y")
    elif data.get("year"):
        query["year"] = str(data["year"])
    if unit is not None:
        query["unit"] = str(unit.pk)
    return query


@login_required
def dashboard(request):
    _require_reader(request.user)
    form, period, unit = _filters(request)
    context = {"form": form, "unit": unit, "period": period}
    if period is not None:
        metrics = registered_metrics()
        learners = learners_visible_to(request.user, unit=unit)
        known = prefetch(learners, period, ("course", "agency", "total"), metrics)
        by_course = course_table(learners, period, metrics, known=known)
        by_agency = agency_table(
            learners, period, metrics, known=known, with_unknown=True
        )
        context.update(
            metrics=metrics,
            total=summary(learners, period, metrics, parts=by_agency, known=known),
            tables=[by_course, by_agency],
            charts=[
                chart("chart-course", _("Kết quả theo khóa học"), by_course),
                chart("chart-agency", _("Kết quả theo cơ quan, đơn vị"), by_agency),
            ],
            base_query=_base_query(form, unit),
        )
    return render(request, "reports/dashboard.html", context)


@login_required
def province_dashboard(request):
    if not request.user.is_province_admin:
        raise PermissionDenied
    form, period, _unit = _filters(request, with_unit=False)
    context = {"form": form, "period": period, "province": True}
    if period is not None:
        metrics = registered_metrics()
        learners = learners_visible_to(request.user)
        # The heavy part, one pass over each table of records for the three
        # groupings, is kept between requests (snapshots.py).
        known, computed_at = snapshots.province_figures(period=period, metrics=metrics)
        by_district = district_table(learners, period, metrics, known=known)
        by_month = month_table(learners, period, metrics, known=known)
        by_course = course_table(learners, period, metrics, known=known)
        by_course.caption = _("Các khóa học và lớp tập huấn đã tổ chức")
        extra = [build(request.user, period) for build in province_tables().values()]

        # Each year's figures are the ones kept for that year's dashboard.
        def known_of(year, shown=period, known=known):
            if year == shown:
                return known
            return snapshots.province_figures(period=year, metrics=metrics)[0]

        trend = trend_table(learners, metrics, trend_years(), known_of=known_of)
        base_query = _base_query(form, None)
        context.update(
            metrics=metrics,
            total=by_district.total,
            tables=[by_district, by_month, by_course, *extra, trend],
            charts=[
                chart(
                    "chart-district",
                    _("So sánh các huyện, thị xã, thành phố"),
                    by_district,
                ),
                chart(
                    "chart-month",
                    _("Diễn biến theo tháng"),
                    by_month,
                    ["enrolled", "completed"],
                    kind="line",
                ),
                chart(
                    "chart-trend",
                    _("Diễn biến qua các năm"),
                    trend,
                    list(TREND_KEYS),
                    kind="line",
                ),
            ],
            base_query=base_query,
            computed_at=computed_at,
            max_age_minutes=conf.get("REPORTS_FIGURES_MAX_AGE") // 60,
            query=urlencode(base_query),
        )
    return render(request, "reports/province.html", context)


@login_required
@require_POST
def province_refresh(request):
    """Compute the province dashboard's figures again now, then show them."""
    if not request.user.is_province_admin:
        raise PermissionDenied
    form, period, _unit = _filters(request, with_unit=False)
    if period is None:
        raise Http404
    snapshots.province_figures_refresh(period=period, read=True)
    messages.success(request, _("Đã tính lại số liệu toàn tỉnh."))
    query = urlencode(_base_query(form, None))
    return redirect(reverse("reports:province") + (f"?{query}" if query else ""))


@login_required
def learners(request):
    """The people behind one number, within the reader's scope."""
    _require_reader(request.user)
    form, period, unit = _filters(request)
    metric = get_metric(request.GET.get("metric", ""))
    if period is None or metric is None or metric.people is None:
        raise Http404
    agency = None
    if request.GET.get("agency"):
        agency = get_object_or_404(
            agencies_visible_to(request.user), pk=_int(request.GET["agency"])
        )
    course_id = _int(request.GET["course"]) if request.GET.get("course") else None
    scoped = learners_visible_to(request.user, unit=unit, agency=agency)
    people = (
        metric.people(scoped, period, course_id=course_id)
        .filter(pk__in=scoped.values("pk"))
        .select_related("profile__agency", "profile__unit")
        .order_by("profile__sort_key", "pk")
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    list_personal_data(
        request,
        what=_("Danh sách học viên của chỉ số «%(metric)s»") % {"metric": metric.label},
        subjects=[person.pk for person in page],
    )
    course = None
    if course_id is not None:
        from courses.models import CoursePage

        course = get_object_or_404(CoursePage, pk=course_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/learners.html",
        {
            "metric": metric,
            "period": period,
            "unit": unit,
            "agency": agency,
            "course": course,
            "page_obj": page,
            "query": query.urlencode(),
        },
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


EXPORT_TABLES = {"course", "agency", "district", "month", "trend"}
# The word of each table in its file name (the address keeps the key).
FILE_NAMES = {
    "course": "khoa-hoc",
    "agency": "co-quan",
    "district": "don-vi",
    "month": "thang",
    "trend": "cac-nam",
    "trainer": "giang-vien",
}


@login_required
def export(request, table: str, fmt: str):
    _require_reader(request.user)
    extra = province_tables()
    if (table not in EXPORT_TABLES and table not in extra) or fmt not in (
        "csv",
        "xlsx",
    ):
        raise Http404
    if table not in ("course", "agency") and not request.user.is_province_admin:
        raise Http404
    form, period, unit = _filters(request)
    if period is None:
        raise Http404
    export_personal_data(
        request,
        what=_("Bảng báo cáo %(table)s (%(fmt)s)") % {"table": table, "fmt": fmt},
    )
    metrics = registered_metrics()
    if table in extra and table not in EXPORT_TABLES:
        result = extra[table](request.user, period)
    elif table == "district":
        learners = learners_visible_to(request.user)
        result = district_table(learners, period, metrics)
    elif table == "trend":
        learners = learners_visible_to(request.user)
        result = trend_table(learners, metrics, trend_years())
    else:
        learners = learners_visible_to(request.user, unit=unit)
        if table == "agency":
            result = agency_table(learners, period, metrics, with_unknown=True)
        else:
            build = {"course": course_table, "month": month_table}
            result = build[table](learners, period, metrics)
    word = FILE_NAMES.get(table, table)
    name = f"bao-cao-{word}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(
            exports.table_csv(result), content_type="text/csv; charset=utf-8"
        )
    else:
        title = f"{result.caption} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})"
        response = HttpResponse(
            exports.tables_xlsx([result], title=title), content_type=XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def yearly(request):
    _require_reader(request.user)
    user = request.user
    units = units_visible_to(user)
    form = YearlyReportForm(
        request.POST or None, units=units, allow_province=user.is_province_admin
    )
    if request.method == "POST":
        if form.has_error("unit", "invalid_choice"):
            raise Http404
        if form.is_valid():
            job = report_job_create(
                requested_by=user,
                year=form.cleaned_data["year"],
                unit=form.cleaned_data["unit"],
                fmt=form.cleaned_data["format"],
            )
            return redirect("reports:job", job_id=job.pk)
    jobs = ReportJob.objects.filter(requested_by=user).select_related("unit")[:10]
    return render(request, "reports/yearly.html", {"form": form, "jobs": jobs})


def _own_job(request, job_id) -> ReportJob:
    _require_reader(request.user)
    return get_object_or_404(
        ReportJob.objects.select_related("unit"), pk=job_id, requested_by=request.user
    )


@login_required
def job(request, job_id):
    return render(request, "reports/job.html", {"job": _own_job(request, job_id)})


@login_required
def job_status(request, job_id):
    job = _own_job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "download": reverse("reports:job_download", args=[job.pk])
            if job.status == ReportJob.Status.DONE
            else None,
        }
    )


@login_required
def job_download(request, job_id):
    job = _own_job(request, job_id)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    export_personal_data(request, what=_("Báo cáo năm %(year)s") % {"year": job.year})
    extension = job.file.name.rsplit(".", 1)[-1]
    province = (
        None
        if job.unit
        else AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
        .order_by("-valid_from")
        .first()
    )
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        # Not the stored name, which storage may have suffixed.
        filename=f"{report_filename(job.year, job.unit, province)}.{extension}",
    )
