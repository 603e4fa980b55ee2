"""Question bank, quiz pages and attempts."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class QuizPage(Page):
    """A quiz inside a course (fields arrive with the quizzes feature)."""

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "pages/quiz_page.html"

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
