"""Courses as Wagtail pages, and the learning records that hang off them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from elearning.people.scoping import restrict

from .blocks import LessonStreamBlock


class CourseIndexPage(Page):
    """The catalogue: one per site."""

    intro = RichTextField(
        _("giới thiệu"),
        blank=True,
        help_text=_("Đoạn giới thiệu ngắn ở đầu danh mục khóa học."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1
    template = "pages/course_index_page.html"

    class Meta:
        verbose_name = _("danh mục khóa học")


class CoursePage(Page):
    class EnrolmentPolicy(models.TextChoices):
        OPEN = "open", _("Tự do ghi danh")
        OFFICER = "officer", _("Do cán bộ phụ trách ghi danh")
        APPROVAL = "approval", _("Đăng ký và chờ duyệt")

    code = models.CharField(
        _("mã khóa học"),
        max_length=30,
        unique=True,
        help_text=_("Mã ngắn, duy nhất, ví dụ ATTT-CB-2026."),
    )
    summary = models.TextField(
        _("tóm tắt"),
        blank=True,
        help_text=_("Hai, ba câu giới thiệu khóa học trong danh mục."),
    )
    enrolment_policy = models.CharField(
        _("hình thức ghi danh"),
        max_length=10,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OFFICER,
        help_text=_("Ai được ghi danh học viên vào khóa học này."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("enrolment_policy"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("enrolment_policy"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]
    template = "pages/course_page.html"

    class Meta:
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")


class LessonPage(Page):
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("nội dung"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("thời lượng dự kiến (phút)"),
        default=15,
        help_text=_("Thời gian học viên cần để học xong bài này."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "pages/lesson_page.html"

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Đã ghi danh")
        IN_PROGRESS = "in_progress", _("Đang học")
        COMPLETED = "completed", _("Hoàn thành")
        WITHDRAWN = "withdrawn", _("Đã rút")

    class Source(models.TextChoices):
        SELF = "self", _("Tự đăng ký")
        OFFICER = "officer", _("Cán bộ phụ trách ghi danh")
        IMPORT = "import", _("Nhập từ tệp")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.ENROLLED
    )
    source = models.CharField(
        _("nguồn"), max_length=10, choices=Source.choices, default=Source.OFFICER
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi danh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày ghi danh"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"], name="courses_enrolment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.course}"


class LessonProgress(models.Model):
    """One learner's completion of one page (lesson) of a course."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="progress"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "page"], name="courses_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} – {self.page_id}"
