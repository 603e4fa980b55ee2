"""Demo data: the shared question bank and the course's final quiz."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage

from .models import QuizPage, QuizRandomDraw
from .services import category_get_or_create, questions_import, questions_parse_file

GIFT_FILE = Path(__file__).parent / "data" / "questions_attt_co_ban.gift"
DEMO_COURSE_CODE = "ATTT-CB-2026"
FINAL_QUIZ_TITLE = "Bài kiểm tra cuối khóa"


def _demo_course(stdout) -> CoursePage:
    course = (
        CoursePage.objects.filter(code=DEMO_COURSE_CODE).first()
        or CoursePage.objects.filter(title__icontains="an toàn thông tin").first()
    )
    if course is not None:
        return course
    # The courses demo normally creates the course; make a minimal one so the
    # quiz has a home when it has not run.
    index = CourseIndexPage.objects.first()
    if index is None:
        root = Page.get_first_root_node()
        index = root.add_child(
            instance=CourseIndexPage(title=_("Khóa học"), slug="khoa-hoc")
        )
    course = index.add_child(
        instance=CoursePage(
            title="Kỹ năng cơ bản bảo đảm an toàn thông tin",
            slug="attt-co-ban",
            code=DEMO_COURSE_CODE,
            summary="Khóa bồi dưỡng kỹ năng an toàn thông tin cho cán bộ, công chức.",
        )
    )
    stdout.write("Quizzes: created a minimal demo course (courses demo absent)")
    return course


def seed(*, stdout, style) -> None:
    questions, errors = questions_parse_file(
        name=GIFT_FILE.name, data=GIFT_FILE.read_bytes()
    )
    report = questions_import(questions=questions, errors=errors)
    if report.errors:
        for error in report.errors:
            stdout.write(style.ERROR(str(error)))
        return
    stdout.write(
        f"Question bank: {report.created} created, {report.updated} already there"
    )
    course = _demo_course(stdout)
    quiz = QuizPage.objects.child_of(course).filter(title=FINAL_QUIZ_TITLE).first()
    if quiz is None:
        root, _made = category_get_or_create(path="ATTT cơ bản")
        quiz = course.add_child(
            instance=QuizPage(
                title=FINAL_QUIZ_TITLE,
                slug="bai-kiem-tra-cuoi-khoa",
                intro=(
                    "<p>Bài kiểm tra gồm 10 câu hỏi rút ngẫu nhiên từ ngân hàng "
                    "câu hỏi. Cần đạt từ 70% để hoàn thành khóa học.</p>"
                ),
                time_limit_minutes=20,
                attempts_allowed=3,
                random_draws=[QuizRandomDraw(category=root, count=10)],
            )
        )
        quiz.save_revision().publish()
        stdout.write(f"Quiz: created “{FINAL_QUIZ_TITLE}”")
    else:
        stdout.write(f"Quiz: “{FINAL_QUIZ_TITLE}” already there")
    if not course.require_quizzes:
        # What the quiz's introduction says: passing it completes the course.
        course.require_quizzes = True
        course.save_revision(log_action=False).publish()
        stdout.write("Quiz: the demo course now requires passing its quizzes")
