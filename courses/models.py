"""Courses as Wagtail pages, and the learning records that hang off them."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from elearning.pagecache import CachedRestrictionsMixin
from elearning.people.names import fold
from elearning.people.scoping import restrict
from elearning.slugs import AsciiSlugMixin

from .blocks import LessonStreamBlock


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _route_child(parent, model, request, path_components):
    """Route to a child page of type ``model`` in one query.

    Wagtail's default routing reads the child page, then its specific row
    (two queries per level); when the child is a ``model``, one query of
    ``model`` does both. ``None`` when no such child has the slug (the caller
    then routes the default way, for other page types).
    """
    child = model.objects.child_of(parent).filter(slug=path_components[0]).first()
    if child is None or child.specific_class is not model:
        return None
    # As Wagtail's routing does: the parent is known, spare get_parent().
    child._cached_parent_obj = parent
    return child.route(request, path_components[1:])


class CourseIndexPage(AsciiSlugMixin, CachedRestrictionsMixin, Page):
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

    def route(self, request, path_components):
        if path_components:
            found = _route_child(self, CoursePage, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue(index=self, params=request.GET, user=request.user))
        return context


PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


# The code a copied course is given until its author types its own.
COPY_CODE_PREFIX = "BAN-SAO-"


class CoursePageQuerySet(PageQuerySet):
    def search_folded(self, query: str):
        """Diacritic-insensitive search: "an toan thong tin" finds "An toàn..."."""
        words = fold(query).split()
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs


class CoursePage(AsciiSlugMixin, CachedRestrictionsMixin, Page):
    class EnrolmentPolicy(models.TextChoices):
        OPEN = "open", _("Tự do ghi danh")
        OFFICER = "officer", _("Do cán bộ phụ trách ghi danh")
        APPROVAL = "approval", _("Đăng ký và chờ duyệt")

    class Audience(models.TextChoices):
        ALL = "all", _("Mọi cán bộ, công chức, viên chức")
        IT_STAFF = "it_staff", _("Cán bộ công nghệ thông tin")
        LEADERS = "leaders", _("Lãnh đạo, quản lý")

    class Level(models.TextChoices):
        BASIC = "basic", _("Cơ bản")
        INTERMEDIATE = "intermediate", _("Nâng cao")
        ADVANCED = "advanced", _("Chuyên sâu")

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
    objectives = RichTextField(
        _("mục tiêu"),
        blank=True,
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_("Học xong khóa học, học viên biết và làm được những gì."),
    )
    audience = models.CharField(
        _("đối tượng"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.ALL,
        help_text=_("Khóa học dành cho ai."),
    )
    duration_hours = models.PositiveSmallIntegerField(
        _("thời lượng (giờ)"),
        default=4,
        help_text=_("Tổng số giờ học dự kiến của cả khóa."),
    )
    level = models.CharField(
        _("trình độ"),
        max_length=12,
        choices=Level.choices,
        default=Level.BASIC,
        help_text=_("Mức độ kiến thức của khóa học."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh ngang, tối thiểu 1200 × 630 điểm ảnh."),
    )
    enrolment_policy = models.CharField(
        _("hình thức ghi danh"),
        max_length=10,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OFFICER,
        help_text=_("Ai được ghi danh học viên vào khóa học này."),
    )
    sequential = models.BooleanField(
        _("học lần lượt"),
        default=False,
        help_text=_("Bài học chỉ mở khi học viên đã hoàn thành bài trước."),
    )
    # Completion rules: each one optional, all the chosen ones must be met.
    require_lessons = models.BooleanField(
        _("phải hoàn thành mọi bài học"),
        default=True,
        help_text=_("Học viên phải đánh dấu hoàn thành tất cả bài học."),
    )
    require_quizzes = models.BooleanField(
        _("phải đạt các bài kiểm tra"),
        default=False,
        help_text=_("Học viên phải đạt điểm đạt ở mọi bài kiểm tra của khóa."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ điểm danh tối thiểu (%)"),
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Để trống nếu khóa học không yêu cầu dự lớp tập huấn."),
    )
    min_h5p_percent = models.PositiveSmallIntegerField(
        _("điểm bài tập tương tác tối thiểu (%)"),
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Để trống nếu không yêu cầu điểm bài tập tương tác (H5P)."),
    )
    h5p_server_scores_only = models.BooleanField(
        _("chỉ tính điểm H5P do hệ thống chấm"),
        default=False,
        help_text=_(
            "Bài tập H5P mà hệ thống không tự chấm lại được (điểm do trình duyệt "
            "báo) không được tính vào điều kiện hoàn thành."
        ),
    )
    # Grading scale: a score (0–100) at or above a threshold earns its word.
    pass_mark = models.DecimalField(
        _("điểm đạt"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
        help_text=_("Từ điểm này trở lên là Đạt (xếp loại Trung bình)."),
    )
    grade_fair = models.DecimalField(
        _("điểm xếp loại Khá"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("65"),
        validators=PERCENT,
        help_text=_("Từ điểm này trở lên xếp loại Khá."),
    )
    grade_good = models.DecimalField(
        _("điểm xếp loại Giỏi"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT,
        help_text=_("Từ điểm này trở lên xếp loại Giỏi."),
    )
    grade_excellent = models.DecimalField(
        _("điểm xếp loại Xuất sắc"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
        help_text=_("Từ điểm này trở lên xếp loại Xuất sắc."),
    )
    closes_on = models.DateField(
        _("ngày kết thúc khóa học"),
        null=True,
        blank=True,
        help_text=_(
            "Hạn cuối để học viên hoàn thành khóa học. Để trống: không có hạn. "
            "Học viên chưa hoàn thành được nhắc trước khi khóa học kết thúc."
        ),
    )
    # Folded copy of title, code and summary for diacritic-insensitive search.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("cover_image"),
        FieldRowPanel(
            [FieldPanel("audience"), FieldPanel("level"), FieldPanel("duration_hours")]
        ),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_policy"),
                FieldPanel("sequential"),
                FieldPanel("closes_on"),
            ],
            heading=_("Ghi danh và cách học"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("require_lessons"),
                FieldPanel("require_quizzes"),
                FieldPanel("min_attendance_percent"),
                FieldPanel("min_h5p_percent"),
                FieldPanel("h5p_server_scores_only"),
            ],
            heading=_("Điều kiện hoàn thành"),
            help_text=_("Học viên hoàn thành khi đạt mọi điều kiện đã chọn."),
        ),
        FieldRowPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("grade_fair"),
                FieldPanel("grade_good"),
                FieldPanel("grade_excellent"),
            ],
            heading=_("Thang xếp loại"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("search_text"),
        index.FilterField("enrolment_policy"),
        index.FilterField("audience"),
        index.FilterField("level"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]
    template = "pages/course_page.html"
    # Codes are unique: a copy gets a placeholder (save()) for its author to
    # replace, instead of failing on the original's code.
    exclude_fields_in_copy = ["code"]

    class Meta:
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")

    def route(self, request, path_components):
        # Lessons in one query; quizzes (and anything else) the default way.
        if path_components:
            found = _route_child(self, LessonPage, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)

    def clean(self):
        super().clean()
        scale = [self.pass_mark, self.grade_fair, self.grade_good, self.grade_excellent]
        if None not in scale and scale != sorted(scale):
            raise ValidationError(
                _("Thang xếp loại phải tăng dần: điểm đạt ≤ Khá ≤ Giỏi ≤ Xuất sắc.")
            )
        if not (
            self.require_lessons
            or self.require_quizzes
            or self.min_attendance_percent is not None
            or self.min_h5p_percent is not None
        ):
            raise ValidationError(_("Chọn ít nhất một điều kiện hoàn thành."))

    def save(self, *args, **kwargs):
        if not self.code:  # a copy (see exclude_fields_in_copy)
            self.code = f"{COPY_CODE_PREFIX}{secrets.token_hex(4).upper()}"
        self.search_text = fold(f"{self.title} {self.code} {self.summary}")
        super().save(*args, **kwargs)

    # The labels the catalogue and the course page show. Django's generic
    # get_FOO_display() hashes every choice's (lazy, translated) label on each
    # call; the choice's own label is read directly instead.
    def get_level_display(self) -> str:
        return _choice_label(self.Level, self.level)

    def get_audience_display(self) -> str:
        return _choice_label(self.Audience, self.audience)

    def get_enrolment_policy_display(self) -> str:
        return _choice_label(self.EnrolmentPolicy, self.enrolment_policy)

    def grade_word(self, score: Decimal | None) -> str:
        """The grade word (xếp loại) for a score out of 100, on this course's
        scale: the platform's one grade scale (certificates store it).

        Returns the Vietnamese word untranslated, whatever the language of
        the request: it is printed on a Vietnamese document and stored as
        issued; screens translate it when they show it. A course completed
        without any scored rule (lessons only) has no score, hence no grade
        word.
        """
        if score is None:
            return ""
        for floor, word in (
            (self.grade_excellent, gettext_noop("Xuất sắc")),
            (self.grade_good, gettext_noop("Giỏi")),
            (self.grade_fair, gettext_noop("Khá")),
            (self.pass_mark, gettext_noop("Trung bình")),
        ):
            if score >= floor:
                return word
        return gettext_noop("Không đạt")

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        return context


def _choice_label(choices, value) -> str:
    """What ``get_FOO_display()`` gives: the label of ``value`` among
    ``choices``, else the value itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def body_has_uploaded_video(raw_blocks) -> bool:
    """Whether a lesson body (its raw stream data) holds a video block with
    an uploaded file."""
    return any(
        block.get("type") == "video" and (block.get("value") or {}).get("file")
        for block in raw_blocks or []
    )


class LessonPage(AsciiSlugMixin, CachedRestrictionsMixin, Page):
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("nội dung"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("thời lượng dự kiến (phút)"),
        default=15,
        help_text=_("Thời gian học viên cần để học xong bài này."),
    )
    min_study_seconds = models.PositiveIntegerField(
        _("thời gian học tối thiểu (giây)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(4 * 3600)],
        help_text=_(
            "Học viên chỉ đánh dấu được đã học xong khi trang bài học đã hiện "
            "trên màn hình ít nhất chừng này giây (thời gian trang nằm ở thẻ "
            "nền không tính). Để trống: một phần tư thời lượng dự kiến, ít "
            "nhất 30 giây. Bài có video tải lên còn cần xem phần lớn video."
        ),
    )
    # Whether the body holds an uploaded video, whose watching the page
    # measures (kept by save(); an embedded video cannot be measured).
    video_tracked = models.BooleanField(default=False, editable=False)

    @property
    def body_is_personal(self) -> bool:
        """Whether the body renders differently for each learner (an H5P
        exercise carries the learner's own signed token): such a body is
        never kept in the shared page cache."""
        return any(block.block_type == "h5p" for block in self.body)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("min_study_seconds")]
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "pages/lesson_page.html"

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")

    # The share of an uploaded video a learner must have watched.
    VIDEO_SHARE = 0.8

    @property
    def study_seconds_required(self) -> int:
        """Seconds the page must have been visible before the lesson is done:
        the lesson's own minimum, else a quarter of its estimated minutes,
        at least 30 s."""
        if self.min_study_seconds is not None:
            return self.min_study_seconds
        return max(30, self.estimated_minutes * 60 // 4)

    def save(self, *args, **kwargs):
        self.video_tracked = body_has_uploaded_video(self.body.raw_data)
        super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        from .selectors import lesson_access

        access = lesson_access(lesson=self, user=request.user)
        if access.redirect_to:
            return redirect(access.redirect_to)
        request._lesson_access = access
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        access = getattr(request, "_lesson_access", None)
        if access is None:  # admin preview: serve() was not called
            from .selectors import lesson_access

            access = lesson_access(lesson=self, user=request.user)
        context["access"] = access
        if access.enrolment is not None and not access.is_done:
            from .selectors import duration_text
            from .services import BEAT_SECONDS

            context["study_required"] = duration_text(self.study_seconds_required)
            context["video_share"] = round(100 * self.VIDEO_SHARE)
            context["beat_seconds"] = BEAT_SECONDS
        return context


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )

    def active(self):
        return self.filter(status__in=Enrolment.ACTIVE)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Chờ duyệt")
        REFUSED = "refused", _("Bị từ chối")
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
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị của học viên khi ghi danh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Đơn vị hành chính của học viên lúc ghi danh; báo cáo năm tính theo đơn vị này."
        ),
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
    decision_reason = models.CharField(
        _("lý do"),
        max_length=500,
        blank=True,
        help_text=_("Lý do từ chối hoặc rút khỏi khóa học."),
    )

    objects = EnrolmentQuerySet.as_manager()

    ACTIVE = (Status.ENROLLED, Status.IN_PROGRESS, Status.COMPLETED)

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

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


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


class LessonStudyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )


class LessonStudy(models.Model):
    """How long one learner has studied one lesson: the page's heartbeats
    add the seconds it was visible (``courses.services.lesson_study_beat``)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.CASCADE,
        related_name="lesson_studies",
    )
    lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("bài học"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_opened_at = models.DateTimeField(_("mở lần đầu lúc"))
    last_beat_at = models.DateTimeField(_("tín hiệu gần nhất lúc"))
    # When the last visible stretch credited to this row ended: a learner's
    # time is credited to one lesson at a time (see lesson_study_beat).
    last_visible_at = models.DateTimeField(null=True, blank=True)
    seconds_visible = models.FloatField(_("thời gian học (giây)"), default=0)
    video_seconds = models.FloatField(_("thời gian xem video (giây)"), default=0)
    video_duration = models.FloatField(_("độ dài video (giây)"), default=0)

    objects = LessonStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("thời gian học bài")
        verbose_name_plural = _("thời gian học bài")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"], name="courses_lessonstudy_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} – {self.lesson_id}: {self.seconds_visible:.0f} s"


def _import_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    return f"imports/{timezone.now():%Y/%m}/{instance.token}.bin"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        # An import belongs to the unit it targets; its author always sees it.
        return restrict(self, user, unit_field="unit", owner_field="created_by")


class ImportJob(models.Model):
    """One upload of a staff list: validated, previewed, then imported."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Có lỗi")
        READY = "ready", _("Sẵn sàng nhập")
        QUEUED = "queued", _("Đang chờ xử lý")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Thất bại")

    token = models.CharField(max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("ghi danh vào khóa học"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(
        upload_to=_import_upload_to, storage=_private_storage, max_length=255
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.READY
    )
    total = models.PositiveIntegerField(_("số dòng"), default=0)
    processed = models.PositiveIntegerField(_("đã xử lý"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    # The officer's answer for each row that may be a known person: line
    # (as text) -> "new" or the candidate's key ("user:<id>", "line:<n>").
    decisions = models.JSONField(_("quyết định"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt nhập từ tệp")
        verbose_name_plural = _("lượt nhập từ tệp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0

    @property
    def error_rows(self) -> list[dict]:
        """The stored errors (line, column, message), each message in the
        active language rather than the one the file was checked in."""
        from .imports import reason_text

        return [{**entry, "message": reason_text(entry)} for entry in self.errors]
