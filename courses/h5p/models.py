"""H5P libraries, content versions and the learners' records of them.

Libraries are stored once (``h5p/libraries/<Machine-maj.min>/``) and shared by
every content that needs them. Each upload of a package is a new
:class:`H5PContentVersion`; a version is never overwritten, so an attempt
always points at the exact files the learner played.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from elearning.people.scoping import restrict

MAX_JSON_BYTES = 64 * 1024


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up again whenever the setting changes
    (a FileField keeps the storage object it was given at import)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    return _private


class H5PLibrary(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        BLOCKED = "blocked", _("Bị chặn")

    machine_name = models.CharField(_("tên máy"), max_length=127)
    title = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    major = models.PositiveSmallIntegerField(_("phiên bản chính"))
    minor = models.PositiveSmallIntegerField(_("phiên bản phụ"))
    patch = models.PositiveSmallIntegerField(_("bản vá"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256 của thư mục"), max_length=64)
    storage_prefix = models.CharField(_("thư mục lưu"), max_length=255, unique=True)
    library_json = models.JSONField(_("library.json"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư viện H5P")
        verbose_name_plural = _("thư viện H5P")
        ordering = ["machine_name", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major", "minor"],
                name="h5p_library_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


class H5PLibraryUpgrade(models.Model):
    """A higher patch of an installed library, brought by a package.

    Contents keep using the library's approved code until a province admin
    approves the upgrade; the library then takes this code and every content
    uses it. An equal or lower patch is never recorded: the installed code
    is used.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        BLOCKED = "blocked", _("Bị chặn")
        SUPERSEDED = "superseded", _("Đã có bản vá mới hơn")

    library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("thư viện H5P"),
        on_delete=models.CASCADE,
        related_name="upgrades",
    )
    patch = models.PositiveSmallIntegerField(_("bản vá"))
    title = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256 của thư mục"), max_length=64)
    storage_prefix = models.CharField(_("thư mục lưu"), max_length=255, unique=True)
    library_json = models.JSONField(_("library.json"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("ngày quyết định"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản nâng cấp thư viện H5P")
        verbose_name_plural = _("bản nâng cấp thư viện H5P")
        ordering = ["library", "-patch"]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "patch"], name="h5p_upgrade_unique_patch"
            )
        ]

    def __str__(self) -> str:
        library = self.library
        return f"{library.machine_name} {library.major}.{library.minor}.{self.patch}"


class H5PContentQuerySet(models.QuerySet):
    def playable(self):
        return self.filter(versions__isnull=False).distinct()


class H5PContent(index.Indexed, models.Model):
    """An H5P exercise as trainers see it: a Wagtail snippet.

    The files live in its versions; the newest version is the one played.
    """

    title = models.CharField(_("tiêu đề"), max_length=255)
    pass_threshold = models.PositiveSmallIntegerField(
        _("ngưỡng đạt (%)"),
        default=80,
        help_text=_(
            "Tỷ lệ điểm tối thiểu để bài tập được tính là đạt. Điểm H5P do "
            "trình duyệt tính nên có thể bị giả mạo: chỉ dùng cho yêu cầu "
            "hoàn thành mức thấp, không dùng để cấp giấy chứng nhận."
        ),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    objects = H5PContentQuerySet.as_manager()

    panels = [FieldPanel("title"), FieldPanel("pass_threshold")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("bài tập H5P")
        verbose_name_plural = _("bài tập H5P")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> H5PContentVersion | None:
        return self.versions.order_by("-number").first()


class H5PContentVersion(models.Model):
    content = models.ForeignKey(
        H5PContent,
        verbose_name=_("bài tập H5P"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    package = models.FileField(
        _("gói H5P gốc"), storage=private_storage, upload_to="h5p/packages/"
    )
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    h5p_json = models.JSONField(_("h5p.json"))
    main_library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("thư viện chính"),
        on_delete=models.PROTECT,
        related_name="main_of",
    )
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("thư viện"), related_name="content_versions"
    )
    storage_prefix = models.CharField(_("thư mục lưu"), max_length=255, unique=True)
    max_score = models.PositiveIntegerField(_("điểm tối đa"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản bài tập H5P")
        verbose_name_plural = _("phiên bản bài tập H5P")
        ordering = ["content", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["content", "number"], name="h5p_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content.title} (v{self.number})"

    @property
    def is_playable(self) -> bool:
        return not self.libraries.exclude(status=H5PLibrary.Status.APPROVED).exists()


class H5PAttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )


class H5PAttempt(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="h5p_attempts",
    )
    version = models.ForeignKey(
        H5PContentVersion,
        verbose_name=_("phiên bản bài tập"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveIntegerField(_("lượt"))
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    raw_score = models.PositiveIntegerField(_("điểm"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("điểm tối đa"), null=True, blank=True)
    scaled_score = models.DecimalField(
        _("tỷ lệ điểm (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    success = models.BooleanField(_("đạt"), null=True, blank=True)
    completion = models.BooleanField(_("hoàn thành"), default=False)

    objects = H5PAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt làm bài H5P")
        verbose_name_plural = _("lượt làm bài H5P")
        ordering = ["learner", "version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "version", "number"],
                name="h5p_attempt_unique_number",
            ),
            # At most one live (unfinished) attempt per learner and version.
            models.UniqueConstraint(
                fields=["learner", "version"],
                condition=models.Q(finished_at__isnull=True),
                name="h5p_attempt_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.version} · {self.number}"


class H5PStatement(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Đã chấp nhận")
        IGNORED = "ignored", _("Đã lưu, không tính điểm")
        REJECTED = "rejected", _("Bị từ chối")

    attempt = models.ForeignKey(
        H5PAttempt,
        verbose_name=_("lượt làm bài"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    verb = models.CharField(_("động từ"), max_length=255, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=500, blank=True)
    sub_content_id = models.CharField(_("mã nội dung con"), max_length=64, blank=True)
    statement = models.JSONField(_("câu lệnh xAPI"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("câu lệnh xAPI")
        verbose_name_plural = _("câu lệnh xAPI")
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.verb} · {self.get_outcome_display()}"


class H5PState(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.CASCADE,
        related_name="h5p_states",
    )
    content = models.ForeignKey(
        H5PContent,
        verbose_name=_("bài tập H5P"),
        on_delete=models.CASCADE,
        related_name="states",
    )
    data_type = models.CharField(_("loại dữ liệu"), max_length=64)
    sub_content_id = models.CharField(_("mã nội dung con"), max_length=64)
    data = models.TextField(_("dữ liệu"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tiến độ đã lưu H5P")
        verbose_name_plural = _("tiến độ đã lưu H5P")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "content", "data_type", "sub_content_id"],
                name="h5p_state_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.content} · {self.data_type}"
