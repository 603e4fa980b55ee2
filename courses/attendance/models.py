"""Training classes, their sessions and who attended them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elearning.people.scoping import restrict


def _ancestor_ids(user) -> list[int]:
    profile = getattr(user, "profile", None)
    unit = profile.unit if profile is not None else None
    ids = []
    while unit is not None and unit.parent_id is not None:
        ids.append(unit.parent_id)
        unit = unit.parent
    return ids


class TrainingClassQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Classes a user may open: a province admin all of them, a trainer
        the classes they lead, an officer the classes serving their units or
        holding their staff, a learner the classes they are in."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        by_unit = restrict(self, user, unit_field="unit", owner_field="trainers")
        by_member = restrict(
            self,
            user,
            unit_field="memberships__learner__profile__unit",
            owner_field="memberships__learner",
        )
        condition = Q(pk__in=by_unit.values("pk")) | Q(pk__in=by_member.values("pk"))
        if user.is_unit_officer:
            # An officer also sees classes open to their unit from above (a
            # province-wide class, or one serving no unit in particular) so
            # they can put their staff in it; its learners stay scoped.
            condition |= Q(unit__isnull=True) | Q(unit__in=_ancestor_ids(user))
        return self.filter(condition)

    def led_by(self, user):
        """Classes ``user`` may run (mark attendance, show the QR code)."""
        if getattr(user, "is_province_admin", False):
            return self.all()
        return self.filter(trainers=user)


class TrainingClass(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        BLENDED = "blended", _("Kết hợp")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="training_classes",
    )
    code = models.SlugField(
        _("mã lớp"),
        max_length=40,
        unique=True,
        help_text=_("Mã ngắn, duy nhất, dùng trong địa chỉ trang, ví dụ ATTT-XL-2026."),
    )
    name = models.CharField(_("tên lớp"), max_length=200)
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_classes",
        help_text=_("Địa phương mà lớp tập huấn phục vụ (nếu có)."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giảng viên"),
        related_name="taught_classes",
        blank=True,
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    mode = models.CharField(
        _("hình thức"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    capacity = models.PositiveIntegerField(_("số học viên tối đa"), default=50)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ chuyên cần tối thiểu (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Dùng khi khóa học không tự đặt tỷ lệ chuyên cần để được hoàn thành."
        ),
    )
    count_excused = models.BooleanField(
        _("tính buổi vắng có phép là có mặt"), default=False
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("tính đi muộn sau (phút)"),
        default=15,
        help_text=_(
            "Điểm danh bằng mã QR sau chừng ấy phút kể từ giờ bắt đầu là đi muộn."
        ),
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("mở điểm danh trước giờ học (phút)"), default=30
    )
    venue_networks = models.CharField(
        _("dải địa chỉ IP tại nơi học"),
        max_length=500,
        blank=True,
        help_text=_(
            "Không bắt buộc. Các dải mạng, cách nhau bởi dấu phẩy (ví dụ "
            "10.10.0.0/16); khi có, chỉ nhận điểm danh bằng mã QR từ các dải này."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-start_date", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")}
            )
        if self.venue_networks:
            from .services import parse_networks

            try:
                parse_networks(self.venue_networks)
            except ValueError as exc:
                raise ValidationError({"venue_networks": str(exc)}) from exc

    def is_led_by(self, user) -> bool:
        if getattr(user, "is_province_admin", False):
            return True
        return self.trainers.filter(pk=user.pk).exists()


class ClassMembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )


class ClassMembership(models.Model):
    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("lớp tập huấn"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="class_memberships",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thêm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    objects = ClassMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("học viên của lớp")
        verbose_name_plural = _("học viên của lớp")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "learner"],
                name="attendance_membership_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.training_class.code}"


class ClassSessionQuerySet(models.QuerySet):
    def held(self, now):
        """Sessions that have started by ``now`` (they count in percentages)."""
        return self.filter(start__lte=now)


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("lớp tập huấn"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    start = models.DateTimeField(_("bắt đầu"))
    end = models.DateTimeField(_("kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    online_url = models.URLField(_("đường dẫn học trực tuyến"), blank=True)
    topic = models.CharField(_("nội dung"), max_length=255, blank=True)

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "start"], name="attendance_session_unique"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="attendance_session_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone
        from django.utils.formats import date_format

        start = timezone.localtime(self.start)
        return f"{self.training_class.code} – {date_format(start, 'SHORT_DATETIME_FORMAT')}"

    def has_begun(self, now=None) -> bool:
        """Whether check-in has opened (the class's minutes before start):
        from then on the session's attendance can be marked."""
        import datetime

        from django.utils import timezone

        opens = self.start - datetime.timedelta(
            minutes=self.training_class.checkin_opens_minutes
        )
        return (now or timezone.now()) >= opens

    @property
    def ends_another_day(self) -> bool:
        """An evening session that runs past midnight (Vietnam time)."""
        from django.utils import timezone

        return timezone.localdate(self.end) != timezone.localdate(self.start)

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    LATE = "late", _("Đi muộn")
    EXCUSED = "excused", _("Vắng có phép")
    ABSENT = "absent", _("Vắng")


class AttendanceMethod(models.TextChoices):
    TRAINER = "trainer", _("Giảng viên điểm danh")
    QR = "qr", _("Điểm danh bằng mã QR")
    IMPORT = "import", _("Nhập từ tệp")


class AttendanceRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        scoped = restrict(
            self, user, unit_field="learner__profile__unit", owner_field="learner"
        )
        if not getattr(user, "is_authenticated", False):
            return scoped
        return self.filter(
            Q(pk__in=scoped.values("pk")) | Q(session__training_class__trainers=user)
        ).distinct()


class AttendanceRecord(models.Model):
    Status = AttendanceStatus
    Method = AttendanceMethod

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("buổi học"),
        on_delete=models.CASCADE,
        related_name="records",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="attendance_records",
    )
    unit = models.ForeignKey(
        "people.AdministrativeUnit",
        verbose_name=_("đơn vị của học viên khi điểm danh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Đơn vị hành chính của học viên lúc điểm danh; báo cáo năm tính theo đơn vị này."
        ),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AttendanceStatus.choices
    )
    method = models.CharField(
        _("cách điểm danh"), max_length=10, choices=AttendanceMethod.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người điểm danh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("điểm danh lúc"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = AttendanceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"], name="attendance_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.learner}: {self.get_status_display()}"
