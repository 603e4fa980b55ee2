"""Wagtail admin screens: import questions, reports, regrade, export."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

from elearning.people.models import AdministrativeUnit
from elearning.people.reauth import export_personal_data
from elearning.people.scoping import visible_unit_ids
from elearning.slugs import ascii_slug
from elearning.spreadsheets import XlsxBook, xlsx_response

from .forms import EssayGradeForm, ImportForm
from .gift import write as gift_write
from .media import media_read
from .models import Question, QuestionCategory, QuizPage
from .moodlexml import write as moodlexml_write
from .selectors import (
    essay_answers,
    report_attempts,
    report_histogram,
    report_question_stats,
)
from .selectors import grading_queue as grading_queue_of
from .services import (
    QuizError,
    essay_grade,
    question_regrade,
    question_to_parsed,
    questions_import,
    questions_parse_file,
)

IMPORT_DIR = "quiz-imports"


def can_author(user) -> bool:
    return user.is_province_admin or user.is_trainer


def can_report(user) -> bool:
    return can_author(user) or user.is_unit_officer


def _require(check, user) -> None:
    if not check(user):
        raise PermissionDenied


def import_questions(request):
    """Upload → preview (nothing written) → confirm (one transaction)."""
    _require(can_author, request.user)
    storage = storages["private"]
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        name = request.POST.get("name", "")
        if not token.isalnum() or len(token) > 64:
            raise Http404
        path = f"{IMPORT_DIR}/{token}{PurePath(name).suffix.lower()}"
        if not storage.exists(path):
            messages.error(request, _("Tệp tải lên đã hết hạn; hãy tải lại."))
            return redirect("quizzes_admin:import")
        with storage.open(path, "rb") as handle:
            data = handle.read()
        questions, errors = questions_parse_file(
            name=name, data=data, default_category=request.POST.get("category", "")
        )
        report = questions_import(questions=questions, errors=errors, user=request.user)
        storage.delete(path)
        if report.ok:
            messages.success(
                request,
                _(
                    "Đã nhập %(created)s câu hỏi mới, cập nhật %(updated)s câu hỏi, "
                    "%(unchanged)s câu hỏi không đổi."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("wagtailsnippets_quizzes_question:list")
        return render(
            request,
            "quizzes/admin/import.html",
            {
                "form": ImportForm(),
                "report": report,
                **_header(_("Nhập câu hỏi từ tệp")),
            },
        )

    form = ImportForm(request.POST or None, request.FILES or None)
    report = token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        questions, errors = questions_parse_file(
            name=upload.name,
            data=data,
            default_category=form.cleaned_data["category"],
        )
        report = questions_import(questions=questions, errors=errors, dry_run=True)
        if report.ok:
            token = secrets.token_hex(16)
            storage.save(
                f"{IMPORT_DIR}/{token}{PurePath(upload.name).suffix.lower()}",
                ContentFile(data),
            )
        return render(
            request,
            "quizzes/admin/import.html",
            {
                "form": form,
                "report": report,
                "token": token,
                "name": upload.name,
                "category": form.cleaned_data["category"],
                **_header(_("Nhập câu hỏi từ tệp")),
            },
        )
    return render(
        request,
        "quizzes/admin/import.html",
        {
            "form": form,
            "report": report,
            "categories": QuestionCategory.objects.filter(parent=None),
            **_header(_("Nhập câu hỏi từ tệp")),
        },
    )


def _header(title: str, icon: str = "doc-full") -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon}


def reports_index(request):
    _require(can_report, request.user)
    quizzes = list(QuizPage.objects.live().defer_streamfields().order_by("path"))
    # The course of each quiz in one query (not one get_parent() per row).
    steplen = QuizPage.steplen
    titles = dict(
        Page.objects.filter(path__in={q.path[:-steplen] for q in quizzes}).values_list(
            "path", "title"
        )
    )
    for quiz in quizzes:
        quiz.course_title = titles.get(quiz.path[:-steplen], "")
    return render(
        request,
        "quizzes/admin/reports_index.html",
        {"quizzes": quizzes, **_header(_("Kết quả bài kiểm tra"), "table")},
    )


def _units_for(user):
    ids = visible_unit_ids(user)
    # Ended units too: results keep the district they were earned in.
    units = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT)
    if ids is not None:
        units = units.filter(pk__in=ids)
    return units.order_by("code")


def quiz_report(request, quiz_id: int):
    _require(can_report, request.user)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    units = list(_units_for(request.user))
    try:
        unit_id = int(request.GET.get("unit") or 0)
    except ValueError:
        unit_id = 0
    if unit_id and unit_id not in {u.pk for u in units}:
        unit_id = 0
    attempts = list(report_attempts(quiz=quiz, user=request.user, unit_id=unit_id))
    if request.GET.get("format") == "xlsx":
        export_personal_data(
            request,
            what=_("Kết quả bài kiểm tra #%(pk)s (XLSX)") % {"pk": quiz.pk},
            subjects=[attempt.learner_id for attempt in attempts],
        )
        return _xlsx(quiz, attempts)
    return render(
        request,
        "quizzes/admin/quiz_report.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "units": units,
            "unit_id": unit_id,
            "stats": report_question_stats(attempts)
            if can_author(request.user)
            else [],
            "histogram": report_histogram(attempts),
            "can_regrade": can_author(request.user),
            **_header(_("Kết quả: %(title)s") % {"title": quiz.title}, "table"),
        },
    )


def _xlsx(quiz: QuizPage, attempts) -> HttpResponse:
    book = XlsxBook()
    sheet = book.sheet(_("Kết quả"))
    sheet.header(
        [
            _("Họ và tên"),
            _("Thư điện tử"),
            _("Đơn vị công tác"),
            _("Đơn vị hành chính"),
            _("Lượt"),
            _("Nộp lúc"),
            _("Trạng thái"),
            _("Điểm (%)"),
            _("Kết quả"),
        ]
    )
    for a in attempts:
        profile = getattr(a.learner, "profile", None)
        sheet.row(
            [
                a.learner.get_full_name(),
                a.learner.email,
                str(profile.agency) if profile and profile.agency_id else "",
                str(profile.unit) if profile and profile.unit_id else "",
                a.number,
                a.submitted_at.strftime("%d/%m/%Y %H:%M") if a.submitted_at else "",
                str(a.get_state_display()),
                float(a.score) if a.score is not None else None,
                _("Đang chờ chấm")
                if a.grading_pending
                else (_("Đạt") if a.passed else _("Không đạt")),
            ]
        )
    name = ascii_slug(f"ket qua {quiz.title}")
    return xlsx_response(book.to_bytes(), filename=f"{name}.xlsx")


def regrade(request, question_id: int):
    """GET: what a regrade would change (dry run). POST: apply it."""
    _require(can_author, request.user)
    question = get_object_or_404(
        Question.objects.select_related("category"), pk=question_id
    )
    if request.method == "POST":
        changes = question_regrade(question=question, apply=True, user=request.user)
        messages.success(
            request,
            _("Đã chấm lại %(n)s lượt làm bài.") % {"n": len(changes)},
        )
        return redirect(reverse("quizzes_admin:regrade", args=[question.pk]))
    changes = question_regrade(question=question, apply=False)
    return render(
        request,
        "quizzes/admin/regrade.html",
        {
            "question": question,
            "changes": changes,
            **_header(_("Chấm lại câu hỏi: %(q)s") % {"q": question}, "redirect"),
        },
    )


def grading_queue(request):
    """Essays waiting for a mark, per question or per learner (scoped)."""
    _require(can_author, request.user)
    by = "learner" if request.GET.get("theo") == "hoc-vien" else "question"
    return render(
        request,
        "quizzes/admin/grading_queue.html",
        {
            "groups": grading_queue_of(user=request.user, by=by),
            "by": by,
            **_header(_("Chấm bài tự luận"), "edit"),
        },
    )


def essay_grade_view(request, answer_id: int):
    _require(can_author, request.user)
    answer = get_object_or_404(
        essay_answers(user=request.user, pending_only=False), pk=answer_id
    )
    form = EssayGradeForm(
        request.POST or None,
        max_points=answer.max_points,
        initial={"points": answer.points, "comment": answer.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            essay_grade(
                answer_id=answer.pk,
                points=form.cleaned_data["points"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except QuizError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu điểm và nhận xét."))
            return redirect(
                reverse("quizzes_admin:grading") + "?" + request.GET.urlencode()
            )
    return render(
        request,
        "quizzes/admin/essay_grade.html",
        {
            "answer": answer,
            "form": form,
            **_header(_("Chấm bài tự luận"), "edit"),
        },
    )


def _export_questions(request) -> tuple[QuestionCategory, list]:
    """The category asked for (with its sub-categories) as parsed questions."""
    _require(can_author, request.user)
    try:
        category_id = int(request.GET.get("category") or 0)
    except ValueError:
        category_id = 0
    category = get_object_or_404(QuestionCategory, pk=category_id)
    questions = (
        Question.objects.filter(category_id__in=category.subtree_ids())
        .select_related("category")
        .prefetch_related("choices", "tags")
        .order_by("category_id", "pk")
    )
    return category, [question_to_parsed(q) for q in questions]


def export_gift(request):
    """A category of the bank (with its sub-categories) as a GIFT file."""
    category, questions = _export_questions(request)
    response = HttpResponse(
        gift_write(questions), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ngan-hang-{category.pk}.gift.txt"'
    )
    return response


def export_moodlexml(request):
    """The same questions as Moodle XML, their images embedded."""
    category, questions = _export_questions(request)
    response = HttpResponse(
        moodlexml_write(questions, media=media_read),
        content_type="application/xml; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ngan-hang-{category.pk}.moodle.xml"'
    )
    return response
