"""Question bank, quiz pages and attempts.

Questions live in a bank (snippets, grouped in categories); a QuizPage picks
fixed questions and random draws from categories. An Attempt freezes what
the learner was shown: every AttemptAnswer holds a JSON snapshot of its
question, so editing the bank never changes a past attempt.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PreviewableMixin
from wagtail.search import index

from elearning.pagecache import CachedRestrictionsMixin
from elearning.people.names import normalize_text
from elearning.people.scoping import restrict
from elearning.slugs import AsciiSlugMixin

from . import review
from .formatting import clean_for_storage
from .forms import QuizPageForm

GRACE_SECONDS = 60  # answers are accepted this long after the deadline


# --- Question bank ----------------------------------------------------------


class QuestionCategory(models.Model):
    """A folder of the question bank; nested through ``parent``."""

    name = models.CharField(_("tên"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhóm cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("mô tả"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        verbose_name = _("nhóm câu hỏi")
        verbose_name_plural = _("nhóm câu hỏi")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="quizzes_category_unique_name"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="quizzes_category_unique_root_name",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name).replace("/", "-")
        super().save(*args, **kwargs)

    @property
    def path(self) -> str:
        """ "ATTT cơ bản/Tài khoản và mật khẩu" (walks the parents)."""
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))

    def subtree_ids(self) -> set[int]:
        """This category and every one below it (one query for the whole tree)."""
        return category_subtree(self.pk, category_children())


def category_children() -> dict[int, list[int]]:
    """{category id: its subcategories' ids}, for the whole bank at once."""
    children: dict[int, list[int]] = {}
    for pk, parent in QuestionCategory.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    return children


def category_subtree(pk: int, children: dict[int, list[int]]) -> set[int]:
    ids, frontier = {pk}, [pk]
    while frontier:
        frontier = [
            child
            for parent in frontier
            for child in children.get(parent, ())
            if child not in ids
        ]
        ids.update(frontier)
    return ids


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Một đáp án đúng")
    MULTIPLE = "multiple", _("Nhiều đáp án đúng")
    TRUE_FALSE = "true_false", _("Đúng/Sai")
    SHORT = "short", _("Trả lời ngắn")
    MATCHING = "matching", _("Ghép cặp")
    NUMERICAL = "numerical", _("Trả lời bằng số")
    ESSAY = "essay", _("Tự luận")
    DESCRIPTION = "description", _("Đoạn mô tả (không tính điểm)")


class TextFormat(models.TextChoices):
    """How a text is written (Moodle's formats); quizzes/formatting.py shows it."""

    MOODLE = "moodle", _("Tự động (HTML, xuống dòng giữ nguyên)")
    HTML = "html", _("HTML")
    PLAIN = "plain", _("Văn bản thường")
    MARKDOWN = "markdown", _("Markdown")


# Types a random draw never picks: a description scores nothing, and an
# essay needs a trainer to grade it (a quiz takes essays as fixed questions,
# so that the trainer knows which attempts wait for marking).
NOT_DRAWN = ("description", "essay")


class QuestionQuerySet(models.QuerySet):
    def drawable(self):
        return self.exclude(qtype__in=NOT_DRAWN)


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    """One question of the bank with its choices (inline).

    How the choices are read per type:
    - single / multiple: ``fraction`` is the weight in % (100 for the
      correct choice of a single-choice question; for multiple choice the
      correct choices share +100 %, the wrong ones carry negative weights);
    - true/false: two choices "Đúng" and "Sai", the correct one at 100;
    - short answer: every choice is an accepted answer (``fraction`` its
      credit, usually 100);
    - matching: ``text`` is the left item, ``match_text`` its partner.
    """

    Type = QuestionType
    Format = TextFormat

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("nhóm câu hỏi"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    qtype = models.CharField(
        _("loại câu hỏi"),
        max_length=12,
        choices=QuestionType.choices,
        default=QuestionType.SINGLE,
    )
    title = models.CharField(
        _("tiêu đề"),
        max_length=255,
        blank=True,
        help_text=_("Tên ngắn để tìm câu hỏi trong ngân hàng; học viên không thấy."),
    )
    idnumber = models.CharField(
        _("mã câu hỏi"),
        max_length=100,
        blank=True,
        help_text=_(
            "Mã riêng trong nhóm (GIFT: // [id:…]); nhập lại tệp cập nhật câu có "
            "cùng mã."
        ),
    )
    text = models.TextField(_("nội dung câu hỏi"))
    text_format = models.CharField(
        _("định dạng nội dung"),
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
    )
    points = models.DecimalField(
        _("điểm"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    general_feedback = models.TextField(
        _("nhận xét chung"),
        blank=True,
        help_text=_("Hiện cho học viên khi xem lại bài, dù trả lời đúng hay sai."),
    )
    general_feedback_format = models.CharField(
        _("định dạng nhận xét chung"),
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
    )
    ignore_diacritics = models.BooleanField(
        _("bỏ qua dấu khi chấm"),
        default=False,
        help_text=_(
            "Chỉ với câu trả lời ngắn: chấp nhận câu trả lời viết không dấu "
            "(ví dụ “ma doc” cho “mã độc”)."
        ),
    )
    tags = ClusterTaggableManager(
        through=QuestionTag, blank=True, verbose_name=_("thẻ")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("qtype"), FieldPanel("points")]),
        FieldRowPanel([FieldPanel("title"), FieldPanel("idnumber")]),
        FieldPanel("text"),
        FieldPanel("text_format"),
        InlinePanel(
            "choices",
            label=_("Phương án"),
            heading=_("Phương án"),
            help_text=_(
                "Một đáp án đúng: điểm 100 cho đáp án đúng, 0 cho phương án sai. "
                "Nhiều đáp án đúng: các đáp án đúng cộng lại 100, phương án sai "
                "mang điểm âm. Trả lời ngắn: mỗi dòng là một câu trả lời được "
                "chấp nhận. Ghép cặp: điền cả cột ghép với."
            ),
        ),
        FieldPanel("ignore_diacritics"),
        FieldPanel("general_feedback"),
        FieldPanel("general_feedback_format"),
        FieldPanel("tags"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("text"),
        index.AutocompleteField("title"),
        index.FilterField("qtype"),
        index.FilterField("category"),
    ]

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["category__name", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "idnumber"],
                condition=~models.Q(idnumber=""),
                name="quizzes_question_unique_idnumber",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]

    def get_preview_template(self, request, mode_name):
        return "quizzes/question_preview.html"

    def get_preview_context(self, request, mode_name):
        """The question as a learner sees it (the editor's preview panel)."""
        context = super().get_preview_context(request, mode_name)
        context["question"] = self
        context["choices"] = [
            c for c in self.choices.all() if self.qtype != "matching" or c.text
        ]
        context["options"] = sorted(
            {c.match_text for c in self.choices.all() if c.match_text}
        )
        return context

    def clean(self):
        super().clean()
        if self.qtype != QuestionType.DESCRIPTION and (self.points or 0) <= 0:
            raise ValidationError(
                {"points": _("Điểm phải lớn hơn 0 (trừ đoạn mô tả).")}
            )

    def save(self, *args, **kwargs):
        self.title = normalize_text(self.title)
        self.idnumber = normalize_text(self.idnumber)
        self.text = clean_for_storage(
            unicodedata.normalize("NFC", self.text).strip(), self.text_format
        )
        self.general_feedback = clean_for_storage(
            self.general_feedback, self.general_feedback_format
        )
        if self.qtype == QuestionType.DESCRIPTION:
            self.points = Decimal("0")
        super().save(*args, **kwargs)


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(_("phương án"), blank=True)
    text_format = models.CharField(
        _("định dạng phương án"),
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
    )
    match_text = models.CharField(
        _("ghép với"),
        max_length=255,
        blank=True,
        help_text=_("Chỉ với câu hỏi ghép cặp."),
    )
    fraction = models.DecimalField(
        _("điểm (%)"),
        max_digits=7,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("Phần trăm số điểm của câu hỏi khi chọn phương án này."),
    )
    tolerance = models.DecimalField(
        _("sai số cho phép"),
        max_digits=24,
        decimal_places=10,
        null=True,
        blank=True,
        help_text=_("Chỉ với câu trả lời bằng số: đáp án ± sai số được chấp nhận."),
    )
    feedback = models.TextField(_("nhận xét"), blank=True)
    feedback_format = models.CharField(
        _("định dạng nhận xét"),
        max_length=8,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
    )

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("text_format")]),
        FieldRowPanel(
            [FieldPanel("fraction"), FieldPanel("match_text"), FieldPanel("tolerance")]
        ),
        FieldRowPanel([FieldPanel("feedback"), FieldPanel("feedback_format")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")

    def save(self, *args, **kwargs):
        self.text = clean_for_storage(self.text, self.text_format)
        self.feedback = clean_for_storage(self.feedback, self.feedback_format)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0


# --- Quiz page ---------------------------------------------------------------


class QuizPage(AsciiSlugMixin, CachedRestrictionsMixin, Page):
    """A quiz inside a course: settings, fixed questions and random draws."""

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Lần cao nhất")
        LAST = "last", _("Lần cuối cùng")
        FIRST = "first", _("Lần đầu tiên")
        AVERAGE = "average", _("Trung bình các lần")

    intro = RichTextField(
        _("hướng dẫn"),
        blank=True,
        help_text=_("Hiện trước khi học viên bắt đầu làm bài."),
    )
    opens_at = models.DateTimeField(
        _("mở từ"), null=True, blank=True, help_text=_("Để trống: mở ngay.")
    )
    closes_at = models.DateTimeField(
        _("đóng lúc"),
        null=True,
        blank=True,
        help_text=_("Để trống: không đóng. Hạn nộp không vượt quá thời điểm này."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("số lượt làm bài"),
        default=3,
        help_text=_("0: không giới hạn."),
    )
    pass_mark = models.DecimalField(
        _("điểm đạt (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grading_method = models.CharField(
        _("cách tính điểm"),
        max_length=10,
        choices=Grading.choices,
        default=Grading.HIGHEST,
        help_text=_("Điểm của học viên khi làm nhiều lượt."),
    )
    shuffle_questions = models.BooleanField(_("xáo trộn câu hỏi"), default=True)
    shuffle_choices = models.BooleanField(_("xáo trộn phương án"), default=True)
    # What the learner sees of a finished attempt, and when (quizzes/review.py).
    review_answer = review.ReviewMomentsField(
        _("câu trả lời của học viên"), default=review.DEFAULTS["answer"]
    )
    review_correctness = review.ReviewMomentsField(
        _("đúng hay sai, điểm từng câu"), default=review.DEFAULTS["correctness"]
    )
    review_correct_answer = review.ReviewMomentsField(
        _("đáp án đúng"), default=review.DEFAULTS["correct_answer"]
    )
    review_feedback = review.ReviewMomentsField(
        _("nhận xét"), default=review.DEFAULTS["feedback"]
    )
    review_score = review.ReviewMomentsField(
        _("điểm bài làm"), default=review.DEFAULTS["score"]
    )
    counts_for_completion = models.BooleanField(
        _("tính vào hoàn thành khóa học"),
        default=True,
        help_text=_("Học viên phải đạt bài kiểm tra này để hoàn thành khóa học."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel(
                    [FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]
                ),
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("grading_method")]),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]
                ),
                FieldPanel("counts_for_completion"),
            ],
            heading=_("Cài đặt"),
        ),
        MultiFieldPanel(
            [FieldPanel(field) for field in review.ITEMS.values()],
            heading=_("Học viên được xem lại bài"),
            help_text=_(
                "Bài kiểm tra tính vào hoàn thành khóa học chỉ cho xem đúng/sai, "
                "đáp án đúng và nhận xét sau khi bài đóng."
            ),
        ),
        InlinePanel(
            "fixed_questions",
            label=_("Câu hỏi cố định"),
            heading=_("Câu hỏi cố định"),
            help_text=_("Các câu hỏi luôn có trong bài, theo thứ tự này."),
        ),
        InlinePanel(
            "random_draws",
            label=_("Câu hỏi ngẫu nhiên theo nhóm"),
            heading=_("Câu hỏi ngẫu nhiên theo nhóm"),
            help_text=_("Mỗi lượt làm bài rút ngẫu nhiên số câu từ nhóm."),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "pages/quiz_page.html"
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")

    def clean(self):
        super().clean()
        if errors := review.settings_errors(self):
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_page_context(quiz=self, user=request.user))
        return context


class QuizFixedQuestion(Orderable):
    page = ParentalKey(
        QuizPage, on_delete=models.CASCADE, related_name="fixed_questions"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("câu hỏi"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("câu hỏi cố định")
        verbose_name_plural = _("câu hỏi cố định")


class QuizRandomDraw(Orderable):
    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="random_draws")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("nhóm câu hỏi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(
        _("số câu"), default=5, validators=[MinValueValidator(1)]
    )
    include_subcategories = models.BooleanField(_("gồm cả nhóm con"), default=True)

    panels = [
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("count"), FieldPanel("include_subcategories")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("câu hỏi ngẫu nhiên")
        verbose_name_plural = _("câu hỏi ngẫu nhiên")

    def category_ids(self, children: dict[int, list[int]] | None = None) -> set[int]:
        """The categories it draws from (``children``: from
        :func:`category_children`, when several draws are read at once)."""
        if self.include_subcategories:
            return category_subtree(
                self.category_id,
                category_children() if children is None else children,
            )
        return {self.category_id}


# --- Attempts ---------------------------------------------------------------


class AttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )

    def live(self):
        return self.filter(state=Attempt.State.IN_PROGRESS)

    def finished(self):
        return self.exclude(state=Attempt.State.IN_PROGRESS)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Đang làm bài")
        SUBMITTED = "submitted", _("Đã nộp")
        OVERDUE_CLOSED = "overdue_closed", _("Hết giờ, hệ thống tự nộp")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị của học viên khi làm bài"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Đơn vị hành chính của học viên lúc bắt đầu lượt làm bài; báo cáo năm tính theo đơn vị này."
        ),
    )
    quiz = models.ForeignKey(
        QuizPage,
        verbose_name=_("bài kiểm tra"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("lượt"))
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    deadline = models.DateTimeField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=State.choices,
        default=State.IN_PROGRESS,
    )
    score = models.DecimalField(
        _("điểm (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("đạt"), null=True, blank=True)
    grading_pending = models.BooleanField(
        _("đang chờ chấm"),
        default=False,
        help_text=_("Có câu tự luận giảng viên chưa chấm: chưa có điểm."),
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        ordering = ["quiz_id", "learner_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "quiz"],
                condition=models.Q(state="in_progress"),
                name="quizzes_attempt_one_live",
            ),
            models.UniqueConstraint(
                fields=["learner", "quiz", "number"], name="quizzes_attempt_number"
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.learner} – {self.quiz} #{self.number}"

    @property
    def is_live(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class AttemptAnswer(models.Model):
    """One question of one attempt, as shown (snapshot) and as answered.

    ``version`` is the client's counter for this answer: a save with a
    version not above the stored one is stale (it arrived late) and ignored.
    """

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers"
    )
    slot = models.PositiveSmallIntegerField(_("thứ tự"))
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, related_name="attempt_answers"
    )
    snapshot = models.JSONField(_("câu hỏi khi làm bài"))
    response = models.JSONField(_("câu trả lời"), null=True, blank=True)
    points = models.DecimalField(
        _("điểm"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(_("lưu lúc"), null=True, blank=True)
    # A trainer's marking of an essay (quizzes.services.essay_grade).
    comment = models.TextField(_("nhận xét của giảng viên"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chấm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("chấm lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        ordering = ["attempt_id", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quizzes_answer_unique_question"
            ),
            models.UniqueConstraint(
                fields=["attempt", "slot"], name="quizzes_answer_unique_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.slot}"

    @property
    def max_points(self) -> Decimal:
        return Decimal(str(self.snapshot.get("points", "1")))
