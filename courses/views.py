"""Learner and officer pages of the courses app (front end, phone first)."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from elearning.people.decorators import officer_required
from elearning.people.models import Agency, StaffProfile, User
from elearning.people.reauth import export_personal_data, list_personal_data
from elearning.spreadsheets import XlsxBook, xlsx_response

from . import services
from .caching import cached_for_learner
from .forms import EnrolStaffForm, ImportUploadForm, RefuseForm
from .imports import import_job_confirm, import_job_create, import_job_decide
from .models import CoursePage, Enrolment, ImportJob, LessonPage, LessonStudy
from .selectors import (
    catalogue_url,
    district_enrolments,
    enrolments_done_counts,
    enrolments_eligibility,
    learner_dashboard,
    lesson_ids_by_course,
    lesson_study_missing,
    lesson_totals,
    studied_text,
    video_watched_percent,
)

# --- Learner -------------------------------------------------------------


@login_required
@require_GET
def my_courses(request):
    """The learner's courses. The rows' HTML is kept like the rows it is
    rendered from (``learner_dashboard``), under the learner's records
    version, the page generation, the language and the host: rendering
    them was most of the page's CPU, reading it back is one cache read."""
    rows_html = cached_for_learner(
        f"dashboard-html:{request.get_host()}",
        learner_id=request.user.pk,
        load=lambda: _dashboard_rows_html(request),
    )
    return render(
        request,
        "pages/course_dashboard.html",
        {"rows_html": rows_html, "catalogue_url": catalogue_url()},
    )


def _dashboard_rows_html(request):
    rows = learner_dashboard(user=request.user)
    html = render_to_string(
        "pages/course_dashboard_rows.html", {"rows": rows}, request=request
    )
    changes = [t for row in rows if (t := row.eligibility.changes_at) is not None]
    return html, min(changes, default=None)


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        if course.enrolment_policy == CoursePage.EnrolmentPolicy.APPROVAL:
            services.enrolment_request(learner=request.user, course=course)
            messages.success(
                request, _("Đã gửi yêu cầu đăng ký học; vui lòng chờ duyệt.")
            )
        else:
            services.enrolment_create(
                learner=request.user, course=course, actor=request.user
            )
            messages.success(request, _("Bạn đã ghi danh khóa học."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(course.url)


@login_required
@require_POST
def lesson_done(request, lesson_id: int):
    lesson = get_object_or_404(
        LessonPage.objects.live().defer_streamfields(), pk=lesson_id
    )
    try:
        services.lesson_complete(learner=request.user, lesson=lesson)
    except ValidationError as exc:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse(
                {"ok": False, "error": " ".join(exc.messages)}, status=409
            )
        messages.error(request, " ".join(exc.messages))
        return redirect(lesson.url)
    course = lesson.get_parent().specific_deferred
    enrolment = request.user.enrolments.get(course_id=course.pk)
    ids = lesson_ids_by_course([course.pk])[course.pk]
    done = enrolment.progress.filter(page_id__in=ids).count()
    percent = round(100 * done / len(ids)) if ids else 0
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {"ok": True, "done": done, "total": len(ids), "percent": percent}
        )
    messages.success(request, _("Đã đánh dấu hoàn thành bài học."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(lesson.url)


def _seconds(value) -> float:
    """A number of seconds the page reports; anything else is 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


@login_required
@require_POST
def lesson_beat(request, lesson_id: int):
    """A heartbeat of the lesson page (``static/js/lesson.js``): records the
    time the page was visible and the video watched; answers what is still
    missing before the lesson can be marked done."""
    lesson = get_object_or_404(
        LessonPage.objects.live().defer_streamfields(), pk=lesson_id
    )
    try:
        study = services.lesson_study_beat(
            learner=request.user,
            lesson=lesson,
            visible=request.POST.get("visible") == "1",
            video_watched=_seconds(request.POST.get("video_watched")),
            video_duration=_seconds(request.POST.get("video_duration")),
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=409)
    missing = lesson_study_missing(lesson, study)
    return JsonResponse(
        {
            "ok": True,
            "ready": not missing,
            "missing": " ".join(missing),
            "seconds": int(study.seconds_visible),
        }
    )


# --- Officer: enrolments -------------------------------------------------


def _filter_context(request, officer):
    return {
        "agencies": Agency.objects.filter(
            pk__in=StaffProfile.objects.visible_to(officer).values("agency_id")
        ).order_by("name"),
        "courses": CoursePage.objects.live().defer_streamfields().order_by("title"),
        "statuses": Enrolment.Status.choices,
        "params": request.GET,
    }


@officer_required
@require_GET
def officer_enrolments(request):
    qs = district_enrolments(officer=request.user, params=request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    enrolments_done_counts(page)
    totals = lesson_totals({e.course_id for e in page})
    # The progress every role sees: all the course's rules, not lessons only.
    active = [e for e in page if e.is_active]
    prefetch_related_objects(active, "progress")
    eligibilities = enrolments_eligibility(active)
    for enrolment in page:
        enrolment.lesson_total = totals.get(enrolment.course_id, 0)
        enrolment.eligibility = eligibilities.get(enrolment.pk)
    list_personal_data(
        request,
        what=_("Danh sách ghi danh của đơn vị"),
        subjects=[e.learner_id for e in page],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pages/course_officer_enrolments.html",
        {
            "page_obj": page,
            "query": query.urlencode(),
            "pending_count": Enrolment.objects.visible_to(request.user)
            .filter(status=Enrolment.Status.REQUESTED)
            .count(),
            **_filter_context(request, request.user),
        },
    )


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@officer_required
@require_GET
def officer_enrolments_export(request):
    qs = district_enrolments(officer=request.user, params=request.GET)
    export_personal_data(
        request,
        what=_("Danh sách ghi danh (XLSX)"),
        subjects=qs.values_list("learner_id", flat=True),
    )
    totals = lesson_totals(set(qs.values_list("course_id", flat=True)))
    workbook = XlsxBook()
    sheet = workbook.sheet(_("Ghi danh"))
    header = [
        _("Họ và tên"),
        _("Thư điện tử"),
        _("Đơn vị công tác"),
        _("Mã khóa học"),
        _("Khóa học"),
        _("Trạng thái"),
        _("Số bài đã học"),
        _("Tổng số bài"),
        _("Tiến độ (%)"),
        _("Ngày ghi danh"),
        _("Ngày hoàn thành"),
    ]
    sheet.header(header)

    def day(value):
        return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""

    for chunk in _chunks(qs.iterator(chunk_size=1000), 1000):
        enrolments_done_counts(chunk)
        active = [e for e in chunk if e.is_active]
        prefetch_related_objects(active, "progress")
        eligibilities = enrolments_eligibility(active)
        for e in chunk:
            profile = getattr(e.learner, "profile", None)
            eligibility = eligibilities.get(e.pk)
            row = [
                profile.full_name if profile else "",
                e.learner.email,
                profile.agency.name if profile and profile.agency else "",
                e.course.code,
                e.course.title,
                e.get_status_display(),
                e.done_count,
                totals.get(e.course_id, 0),
                eligibility.progress_percent if eligibility else "",
                day(e.created_at),
                day(e.completed_at),
            ]
            sheet.row(row)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(workbook.to_bytes(), filename=f"ghi-danh-{stamp}.xlsx")


@officer_required
def officer_requests(request):
    qs = (
        Enrolment.objects.visible_to(request.user)
        .filter(status=Enrolment.Status.REQUESTED)
        .select_related("learner__profile__agency", "course")
        .defer("course__search_text")
        .order_by("created_at")
    )
    return render(
        request,
        "pages/course_officer_requests.html",
        {"requests": qs, "refuse_form": RefuseForm()},
    )


def _visible_enrolment(request, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.visible_to(request.user).select_related("learner", "course"),
        pk=pk,
    )


@officer_required
@require_POST
def officer_request_decide(request, pk: int, decision: str):
    enrolment = _visible_enrolment(request, pk)
    try:
        if decision == "approve":
            services.enrolment_approve(enrolment=enrolment, actor=request.user)
            messages.success(request, _("Đã duyệt yêu cầu đăng ký học."))
        else:
            form = RefuseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Cần nêu lý do từ chối."))
            services.enrolment_refuse(
                enrolment=enrolment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Đã từ chối yêu cầu đăng ký học."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("courses:officer_requests")


@officer_required
@require_POST
def officer_withdraw(request, pk: int):
    enrolment = _visible_enrolment(request, pk)
    try:
        services.enrolment_withdraw(
            enrolment=enrolment,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Đã rút học viên khỏi khóa học."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("courses:officer_learner", user_id=enrolment.learner_id)


@officer_required
@require_GET
def officer_learner(request, user_id: int):
    learner = get_object_or_404(
        User.objects.visible_to(request.user).select_related("profile__agency"),
        pk=user_id,
    )
    enrolments = list(
        Enrolment.objects.visible_to(request.user)
        .filter(learner=learner)
        .select_related("course")
        .defer("course__search_text")
        .prefetch_related("progress")
    )
    ids = lesson_ids_by_course([e.course_id for e in enrolments])
    every_id = [pk for e in enrolments for pk in ids[e.course_id]]
    lessons = (
        LessonPage.objects.filter(pk__in=every_id)
        .defer_streamfields()
        .only("id", "title", "estimated_minutes", "min_study_seconds", "video_tracked")
        .in_bulk()
        if every_id
        else {}
    )
    # The learner's study time per lesson, read once for every course (and
    # given to the lessons rule, which would read it again otherwise).
    studies = {}
    for study in LessonStudy.objects.visible_to(request.user).filter(
        learner=learner, lesson_id__in=every_id
    ):
        study.lesson = lessons[study.lesson_id]
        studies[study.lesson_id] = study
    for enrolment in enrolments:
        enrolment.learner = learner
        enrolment._lesson_ids = ids[enrolment.course_id]
        enrolment._studies = studies
        done_ids = {p.page_id for p in enrolment.progress.all()}
        enrolment.lesson_rows = [
            _lesson_row(lessons[pk], pk in done_ids, studies.get(pk))
            for pk in enrolment._lesson_ids
        ]
    eligibilities = enrolments_eligibility(enrolments)
    rows = [(enrolment, eligibilities[enrolment.pk]) for enrolment in enrolments]
    return render(
        request,
        "pages/course_officer_learner.html",
        {"learner": learner, "rows": rows},
    )


def _lesson_row(lesson, done: bool, study) -> dict:
    """One lesson on an officer's view of a learner: done or not, the time
    spent on it and the video watched."""
    return {
        "title": lesson.title,
        "done": done,
        "opened": study is not None,
        "studied": studied_text(study.seconds_visible) if study else "",
        "video_percent": video_watched_percent(study) if lesson.video_tracked else None,
    }


@officer_required
def officer_enrol(request):
    """Search the district's staff register and enrol one or several."""
    q = request.GET.get("q", "").strip()[:100]
    staff = StaffProfile.objects.visible_to(request.user).select_related(
        "agency", "user"
    )
    if q:
        staff = staff.search(q)
    form = EnrolStaffForm(request.POST or None, officer=request.user)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        learners = form.cleaned_data["learners"]
        # Those already enrolled stay as they are: the message counts only
        # who was enrolled now.
        enrolled, already = services.enrolments_create(
            learners=learners, course=course, actor=request.user
        )
        count = len(enrolled)
        if not count:
            messages.info(
                request,
                _("%(m)d cán bộ đã được ghi danh từ trước; không ghi danh thêm ai.")
                % {"m": len(already)},
            )
        elif already:
            messages.success(
                request,
                _(
                    "Đã ghi danh %(n)d cán bộ vào khóa học; %(m)d cán bộ đã được "
                    "ghi danh từ trước."
                )
                % {"n": count, "m": len(already)},
            )
        else:
            messages.success(
                request, _("Đã ghi danh %(n)d cán bộ vào khóa học.") % {"n": count}
            )
        return redirect("courses:officer_enrolments")
    return render(
        request,
        "pages/course_officer_enrol.html",
        {"form": form, "staff": staff[:100], "q": q},
    )


# --- Officer: imports ----------------------------------------------------


@officer_required
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_create(
            data=upload.read(),
            filename=upload.name,
            actor=request.user,
            course=form.cleaned_data["course"],
        )
        return redirect("courses:import_job", token=job.token)
    jobs = ImportJob.objects.visible_to(request.user).select_related("course")[:10]
    return render(
        request, "pages/course_import_upload.html", {"form": form, "jobs": jobs}
    )


def _job(request, token: str) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("course", "unit"),
        token=token,
    )


@officer_required
def import_job(request, token: str):
    job = _job(request, token)
    undecided: list[int] = []
    if request.method == "POST":
        if job.status != ImportJob.Status.READY:
            raise Http404
        undecided = import_job_decide(
            job=job,
            decisions={
                key.removeprefix("dup-"): value
                for key, value in request.POST.items()
                if key.startswith("dup-")
            },
        )
        if not undecided:
            import_job_confirm(job=job)
            return redirect("courses:import_job", token=job.token)
    preview_rows = []
    if job.status == ImportJob.Status.READY and job.file:
        from .imports import read_table

        with job.file.open("rb") as handle:
            table = read_table(handle.read(), job.filename)
        preview_rows = table.rows[:200]
    return render(
        request,
        "pages/course_import_job.html",
        {
            "job": job,
            "preview_rows": preview_rows,
            "undecided": undecided,
            "possible": [
                {**p, "chosen": job.decisions.get(str(p["line"]))}
                for p in job.result.get("possible", [])
            ]
            if job.status == ImportJob.Status.READY
            else [],
            "status_url": reverse("courses:import_job_status", args=[job.token]),
        },
    )


@officer_required
@require_GET
def import_job_status(request, token: str):
    job = _job(request, token)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "finished": job.status
            in (
                ImportJob.Status.DONE,
                ImportJob.Status.FAILED,
                ImportJob.Status.INVALID,
            ),
        }
    )
