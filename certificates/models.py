"""Certificates: templates (snippets with revisions), numbered series per
issuing unit and year, the certificates themselves and bulk ZIP exports."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index

from elearning.people.scoping import restrict

DEFAULT_BODY = (
    "Đã hoàn thành khóa bồi dưỡng “{khoa_hoc}” "
    "từ ngày {tu_ngay} đến ngày {den_ngay}.\n"
    "Xếp loại: {xep_loai}."
)

PLACEHOLDERS = (
    "ho_ten",
    "ngay_sinh",
    "don_vi",
    "don_vi_hanh_chinh",
    "khoa_hoc",
    "ma_khoa_hoc",
    "lop",
    "diem",
    "xep_loai",
    "tu_ngay",
    "den_ngay",
    "so",
)


# The public verification pages; urls.py mounts them here.
VERIFY_PATH = "verify/"


def private_storage():
    return storages["private"]


class CertificateTemplate(RevisionMixin, index.Indexed, models.Model):
    """How a certificate looks and who signs it.

    Every certificate pins the revision it was issued with, so editing a
    template never changes a certificate already issued.
    """

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Khổ ngang")
        PORTRAIT = "portrait", _("Khổ dọc")

    name = models.CharField(
        _("tên mẫu"),
        max_length=150,
        help_text=_("Tên để nhận ra mẫu trong trang quản trị."),
    )
    is_default = models.BooleanField(
        _("mẫu mặc định"),
        default=False,
        help_text=_("Dùng cho mọi khóa học không có mẫu riêng."),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("dùng riêng cho khóa học"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Để trống nếu mẫu dùng chung."),
    )
    title = models.CharField(_("tiêu đề"), max_length=150, default="GIẤY CHỨNG NHẬN")
    issuing_parent = models.CharField(
        _("cơ quan chủ quản"),
        max_length=150,
        default="UBND TỈNH ĐỒNG NAI",
        help_text=_("Dòng thứ nhất, góc trên bên trái."),
    )
    issuing_body = models.CharField(
        _("cơ quan cấp"),
        max_length=150,
        default="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        help_text=_("Dòng thứ hai, góc trên bên trái (in đậm)."),
    )
    motto_country = models.CharField(
        _("quốc hiệu"), max_length=150, default="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )
    motto = models.CharField(
        _("tiêu ngữ"), max_length=150, default="Độc lập - Tự do - Hạnh phúc"
    )
    certify_line = models.CharField(
        _("dòng chứng nhận"),
        max_length=150,
        default="Chứng nhận ông/bà:",
        help_text=_("In trên dòng họ và tên, ví dụ: “Chứng nhận ông/bà:”."),
    )
    body = models.TextField(
        _("nội dung"),
        default=DEFAULT_BODY,
        help_text=_(
            "Có thể dùng: {ho_ten}, {ngay_sinh}, {don_vi}, {don_vi_hanh_chinh}, "
            "{khoa_hoc}, {ma_khoa_hoc}, {lop}, {diem}, {xep_loai}, {tu_ngay}, "
            "{den_ngay}, {so}. Mỗi dòng là một đoạn."
        ),
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        default="Đồng Nai",
        help_text=_("Dùng ở dòng ngày tháng: “Đồng Nai, ngày … tháng … năm …”."),
    )
    signer_authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=150,
        blank=True,
        default="KT. GIÁM ĐỐC",
        help_text=_(
            "Dòng trên chức vụ khi ký thay, thay mặt: ví dụ “KT. GIÁM ĐỐC”, "
            "“TM. ỦY BAN NHÂN DÂN”. Để trống khi người đứng đầu ký."
        ),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=150, default="PHÓ GIÁM ĐỐC"
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("chữ ký và con dấu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh PNG nền trong suốt gồm chữ ký và dấu."),
    )
    page_size = models.CharField(
        _("khổ giấy"), max_length=2, choices=PageSize.choices, default=PageSize.A4
    )
    orientation = models.CharField(
        _("hướng giấy"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("is_default"), FieldPanel("course")], heading=_("Áp dụng")
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuing_parent"),
                FieldPanel("issuing_body"),
                FieldPanel("motto_country"),
                FieldPanel("motto"),
            ],
            heading=_("Phần đầu"),
        ),
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("certify_line"), FieldPanel("body")],
            heading=_("Nội dung"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("signer_authority"),
                FieldPanel("signer_title"),
                FieldPanel("signer_name"),
                FieldPanel("signature_image"),
            ],
            heading=_("Người ký"),
        ),
        MultiFieldPanel(
            [FieldPanel("page_size"), FieldPanel("orientation")],
            heading=_("Trình bày"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("mẫu giấy chứng nhận")
        verbose_name_plural = _("mẫu giấy chứng nhận")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            self.body.format(**dict.fromkeys(PLACEHOLDERS, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError(
                {"body": _("Nội dung có chỗ điền không hợp lệ: %(e)s") % {"e": exc}}
            ) from exc


def validate_number_format(value: str) -> None:
    try:
        result = value.format(n=1, year=2026, unit="741")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("Định dạng số không hợp lệ: %(e)s"), params={"e": exc}
        ) from exc
    if result == value.format(n=2, year=2026, unit="741"):
        raise ValidationError(_("Định dạng số phải có {n}."))


class CertificateSeries(models.Model):
    """The numbering of one issuing unit in one year.

    ``last_number`` only moves forward, under a row lock, inside the
    transaction that creates the certificate: numbers are gap-free and never
    reused.
    """

    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị cấp"),
        on_delete=models.PROTECT,
        related_name="certificate_series",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number_format = models.CharField(
        _("định dạng số"),
        max_length=60,
        default="{n:04d}/{year}/GCN-{unit}",
        validators=[validate_number_format],
        help_text=_("{n}: số thứ tự, {year}: năm, {unit}: mã đơn vị."),
    )
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ cấp giấy chứng nhận")
        verbose_name_plural = _("sổ cấp giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="certificates_series_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    def format_number(self, n: int) -> str:
        return self.number_format.format(n=n, year=self.year, unit=self.unit.code)


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )

    def valid(self):
        return self.filter(status=Certificate.Status.VALID)


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Còn hiệu lực")
        REVOKED = "revoked", _("Đã thu hồi")

    class RevocationCategory(models.TextChoices):
        """Why a certificate was revoked, as the public may read it.

        The free-text reason beside it is for staff only. ``REPLACED`` is
        set by a reissue, never chosen by hand.
        """

        ISSUED_IN_ERROR = "error", _("Cấp nhầm")
        REPLACED = "replaced", _("Đã thay bằng giấy chứng nhận khác")
        FRAUD = "fraud", _("Gian lận khi học hoặc kiểm tra")
        OTHER = "other", _("Khác")

    number = models.CharField(_("số giấy chứng nhận"), max_length=60, unique=True)
    series = models.ForeignKey(
        CertificateSeries,
        verbose_name=_("sổ cấp"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    sequence = models.PositiveIntegerField(_("số vào sổ"))
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị của học viên khi cấp"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Đơn vị hành chính của học viên lúc cấp giấy chứng nhận; báo cáo năm tính theo đơn vị này."
        ),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    template_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("phiên bản mẫu"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshots at issue: what the paper says, whatever changes later.
    training_class_code = models.CharField(
        _("mã lớp tập huấn"), max_length=40, blank=True
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    agency_name = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)
    unit_name = models.CharField(_("đơn vị cấp"), max_length=150)
    course_title = models.CharField(_("tên khóa học"), max_length=255)
    course_code = models.CharField(_("mã khóa học"), max_length=30, blank=True)
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    completed_on = models.DateField(_("đến ngày"), null=True, blank=True)
    score = models.DecimalField(
        _("điểm"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("xếp loại"), max_length=30, blank=True)

    issued_at = models.DateTimeField(_("ngày cấp"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    short_code = models.CharField(
        _("mã xác minh"), max_length=11, unique=True, editable=False
    )

    pdf = models.FileField(
        _("tệp PDF"), storage=private_storage, upload_to="certificates/", blank=True
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_category = models.CharField(
        _("loại lý do thu hồi"),
        max_length=10,
        choices=RevocationCategory.choices,
        blank=True,
    )
    revocation_reason = models.TextField(
        _("lý do thu hồi (nội bộ)"),
        blank=True,
        help_text=_(
            "Chỉ cán bộ quản lý xem được; trang xác minh công khai chỉ nêu loại lý do."
        ),
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("cấp lại cho"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=models.Q(status="valid"),
                name="certificates_one_valid_per_learner_course",
            ),
            models.UniqueConstraint(
                fields=["series", "sequence"], name="certificates_series_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(status="valid") | models.Q(revoked_at__isnull=False),
                name="certificates_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.full_name}"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def public_revocation_reason(self) -> str:
        """What the public verification page says about a revocation.

        Only the category (for a replacement, the new number), never the
        free text; a revocation recorded before categories existed reads
        "Khác".
        """
        category = self.RevocationCategory
        if self.revocation_category == category.REPLACED:
            new = getattr(self, "replaced_by", None)
            if new is not None:
                return _("Đã thay bằng giấy chứng nhận số %(number)s") % {
                    "number": new.number
                }
        try:
            return str(category(self.revocation_category).label)
        except ValueError:
            return str(category.OTHER.label)

    def get_verification_url(self) -> str:
        # Built without reverse(): a Celery worker rendering PDFs would
        # otherwise load the whole URLconf (Wagtail admin included, ~40 MiB).
        return f"{settings.SITE_URL}/{VERIFY_PATH}{self.token}/"

    def template(self) -> CertificateTemplate | None:
        """The template as it was at the pinned revision."""
        if self.template_revision_id is None:
            return None
        return self.template_revision.as_object()

    def issuer(self) -> str:
        """The issuing body as the PDF prints it (cơ quan cấp, then its
        superior body), from the pinned template revision."""
        template = self.template() or CertificateTemplate(signer_name="")
        return ", ".join(
            line for line in (template.issuing_body, template.issuing_parent) if line
        )


class CertificateExport(models.Model):
    """A ZIP of certificate PDFs built in the background, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    training_class_code = models.CharField(
        _("mã lớp tập huấn"), max_length=40, blank=True
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp nén giấy chứng nhận")
        verbose_name_plural = _("tệp nén giấy chứng nhận")

    def __str__(self) -> str:
        return f"{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
