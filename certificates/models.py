"""Certificates: issuers (effective-dated, snippets with revisions),
templates (snippets with revisions), numbered series per issuing body (or
unit) and year, the certificates themselves and bulk ZIP exports."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
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


class IssuerQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """The issuers whose period holds ``day`` (at most one: periods never
        overlap)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )

    def overlapping(self, valid_from: datetime.date, valid_to: datetime.date | None):
        qs = self.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=valid_from)
        )
        if valid_to is not None:
            qs = qs.filter(valid_from__lte=valid_to)
        return qs


validate_issuer_code = RegexValidator(
    r"^[A-Z][A-Z0-9]*$",
    _(
        "Ký hiệu gồm chữ in hoa không dấu và chữ số, bắt đầu bằng chữ cái "
        "(ví dụ: SKHCN)."
    ),
)


class Issuer(RevisionMixin, index.Indexed, models.Model):
    """Who issues certificates over a period: the body, its superior body,
    the signer, the place and the seal.

    Agencies are renamed and merged by law (the Sở Thông tin và Truyền thông
    into the Sở Khoa học và Công nghệ on 01/03/2025): the admin ends one
    issuer and adds the next, with no code change. Periods never overlap, so
    each day has at most one issuer. A certificate keeps the issuer of its
    issue date and the revision it was issued with.
    """

    class Numbering(models.TextChoices):
        ISSUER = "issuer", _("Theo cơ quan cấp và năm")
        UNIT = "unit", _("Theo đơn vị hành chính và năm")

    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(
        _("áp dụng đến ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống khi cơ quan cấp còn áp dụng."),
    )
    issuing_parent = models.CharField(
        _("cơ quan chủ quản"),
        max_length=150,
        default="UBND TỈNH ĐỒNG NAI",
        help_text=_("Dòng thứ nhất, góc trên bên trái."),
    )
    issuing_body = models.CharField(
        _("cơ quan cấp"),
        max_length=150,
        help_text=_("Dòng thứ hai, góc trên bên trái (in đậm)."),
    )
    code = models.CharField(
        _("ký hiệu trong số giấy chứng nhận"),
        max_length=20,
        unique=True,
        validators=[validate_issuer_code],
        help_text=_("Ví dụ: SKHCN cho số “0123/2026/GCN-SKHCN”."),
    )
    numbering = models.CharField(
        _("cách đánh số"),
        max_length=10,
        choices=Numbering.choices,
        default=Numbering.ISSUER,
        help_text=_(
            "Theo cơ quan cấp: một sổ cho cả tỉnh mỗi năm (0123/2026/GCN-SKHCN). "
            "Theo đơn vị: mỗi đơn vị hành chính một sổ mỗi năm (0123/2026/GCN-741)."
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
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("chữ ký và con dấu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh PNG nền trong suốt gồm chữ ký và dấu."),
    )
    # Minimisation (Law 91/2025/QH15): a certificate proves a course, not an
    # age. The birth date is kept and printed only where a legal form needs it.
    print_date_of_birth = models.BooleanField(
        _("in ngày sinh"),
        default=False,
        help_text=_(
            "Chỉ chọn khi mẫu giấy chứng nhận theo quy định bắt buộc ghi ngày "
            "sinh: ngày sinh khi đó được lưu vào giấy chứng nhận, in trên giấy "
            "và ghi trong sổ cấp."
        ),
    )

    objects = IssuerQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [FieldPanel("valid_from"), FieldPanel("valid_to")],
            heading=_("Thời gian áp dụng"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuing_parent"),
                FieldPanel("issuing_body"),
                FieldPanel("code"),
                FieldPanel("numbering"),
                FieldPanel("print_date_of_birth"),
            ],
            heading=_("Cơ quan cấp"),
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
    ]
    search_fields = [
        index.SearchField("issuing_body"),
        index.AutocompleteField("issuing_body"),
    ]

    class Meta:
        verbose_name = _("cơ quan cấp giấy chứng nhận")
        verbose_name_plural = _("cơ quan cấp giấy chứng nhận")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.issuing_body} ({self.period})"

    @property
    def period(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        if self.valid_to is None:
            return _("từ %(start)s") % {"start": start}
        return _("%(start)s – %(end)s") % {
            "start": start,
            "end": self.valid_to.strftime("%d/%m/%Y"),
        }

    @property
    def line(self) -> str:
        """The issuing body then its superior body, as pages name it."""
        return ", ".join(
            part for part in (self.issuing_body, self.issuing_parent) if part
        )

    def clean(self) -> None:
        super().clean()
        if self.valid_from is None:
            return
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu áp dụng.")}
            )
        clash = (
            Issuer.objects.exclude(pk=self.pk)
            .overlapping(self.valid_from, self.valid_to)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "Thời gian áp dụng trùng với cơ quan cấp %(other)s. "
                    "Hãy kết thúc cơ quan cấp đó trước ngày bắt đầu của cơ quan này."
                )
                % {"other": clash}
            )
        if self.pk is not None:
            self._clean_against_issued()

    def _clean_against_issued(self) -> None:
        """Certificates already issued stay inside the period of their issuer."""
        span = self.certificates.aggregate(
            first=models.Min("issued_at"), last=models.Max("issued_at")
        )
        if span["first"] is None:
            return
        first = timezone.localdate(span["first"])
        last = timezone.localdate(span["last"])
        if self.valid_from > first:
            raise ValidationError(
                {
                    "valid_from": _(
                        "Đã có giấy chứng nhận do cơ quan này cấp ngày %(day)s: "
                        "ngày bắt đầu không được sau ngày đó."
                    )
                    % {"day": first.strftime("%d/%m/%Y")}
                }
            )
        if self.valid_to is not None and self.valid_to < last:
            raise ValidationError(
                {
                    "valid_to": _(
                        "Đã có giấy chứng nhận do cơ quan này cấp ngày %(day)s: "
                        "ngày kết thúc không được trước ngày đó."
                    )
                    % {"day": last.strftime("%d/%m/%Y")}
                }
            )


class CertificateTemplate(RevisionMixin, index.Indexed, models.Model):
    """How a certificate looks: title, national motto, wording, paper.

    Who issues and signs it is the :class:`Issuer` valid on the issue date.
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
            [FieldPanel("motto_country"), FieldPanel("motto")],
            heading=_("Phần đầu"),
        ),
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("certify_line"), FieldPanel("body")],
            heading=_("Nội dung"),
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
        result = value.format(n=1, year=2026, unit="741", issuer="SKHCN")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("Định dạng số không hợp lệ: %(e)s"), params={"e": exc}
        ) from exc
    if result == value.format(n=2, year=2026, unit="741", issuer="SKHCN"):
        raise ValidationError(_("Định dạng số phải có {n}."))


ISSUER_NUMBER_FORMAT = "{n:04d}/{year}/GCN-{issuer}"
UNIT_NUMBER_FORMAT = "{n:04d}/{year}/GCN-{unit}"


class CertificateSeries(models.Model):
    """The numbering of one issuing body — or, where its issuer numbers per
    unit, one administrative unit — in one year.

    Exactly one of ``issuer`` and ``unit`` is set. A unit's series is shared
    by every issuer numbering per unit that year (its numbers carry the unit
    code, not the issuer's): numbers never repeat. Issuer codes start with a
    letter and unit codes are digits, so the two kinds never collide either.
    ``last_number`` only moves forward, under a row lock, inside the
    transaction that creates the certificate: numbers are gap-free and never
    reused.
    """

    issuer = models.ForeignKey(
        Issuer,
        verbose_name=_("cơ quan cấp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="series",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị cấp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_series",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number_format = models.CharField(
        _("định dạng số"),
        max_length=60,
        # A unit's series by default, as before issuers; the issuing service
        # gives an issuer's series its own format.
        default=UNIT_NUMBER_FORMAT,
        validators=[validate_number_format],
        help_text=_(
            "{n}: số thứ tự, {year}: năm, {issuer}: ký hiệu cơ quan cấp, "
            "{unit}: mã đơn vị."
        ),
    )
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ cấp giấy chứng nhận")
        verbose_name_plural = _("sổ cấp giấy chứng nhận")
        # Two partial unique constraints rather than one on (issuer, unit,
        # year): NULLs are distinct in a unique index on both SQLite and
        # PostgreSQL, so that one would let two series of a unit in a year.
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(unit__isnull=False),
                name="certificates_series_unit_year",
            ),
            models.UniqueConstraint(
                fields=["issuer", "year"],
                condition=models.Q(issuer__isnull=False),
                name="certificates_series_issuer_year",
            ),
            models.CheckConstraint(
                condition=models.Q(issuer__isnull=True, unit__isnull=False)
                | models.Q(issuer__isnull=False, unit__isnull=True),
                name="certificates_series_issuer_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer or self.unit} – {self.year}"

    def format_number(self, n: int) -> str:
        return self.number_format.format(
            n=n,
            year=self.year,
            unit=self.unit.code if self.unit_id else "",
            issuer=self.issuer.code if self.issuer_id else "",
        )


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
    issuer = models.ForeignKey(
        Issuer,
        verbose_name=_("cơ quan cấp"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issuer_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("phiên bản cơ quan cấp"),
        null=True,
        blank=True,
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

    def issuer_as_issued(self) -> Issuer:
        """The issuer as it was when the certificate was issued (its pinned
        revision): a later edit of the signer or of the name never changes a
        certificate already issued. Certificates issued before issuers kept
        revisions read the issuer as it is."""
        if self.issuer_revision_id is None:
            return self.issuer
        return self.issuer_revision.as_object()

    @property
    def issuer_line(self) -> str:
        """The issuing body, then its superior body, as the PDF prints them."""
        return self.issuer_as_issued().line


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
