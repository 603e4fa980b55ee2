"""People: users, administrative units, agencies, staff profiles and roles."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .names import (
    fold,
    name_match_key,
    name_sort_key,
    normalize_text,
    search_words,
)
from .scoping import people_condition, restrict


class Role(models.TextChoices):
    """Roles are Django groups (made by a data migration) named by value."""

    LEARNER = "learner", _("Học viên")
    OFFICER = "officer", _("Cán bộ phụ trách")
    TRAINER = "trainer", _("Giảng viên")
    ADMIN = "admin", _("Quản trị cấp tỉnh")


STAFF_ROLES = (Role.OFFICER, Role.TRAINER, Role.ADMIN)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        where = people_condition(user)
        return self if where is None else self.filter(where())

    def with_email(self, email: str | None):
        """The account of an address, in any case ("An.NV@X.vn" is
        "an.nv@x.vn"): through the unique index on the lower-cased address,
        not a scan of every account."""
        folded = (email or "").strip().lower()
        return self.alias(email_folded=Lower("email")).filter(email_folded=folded)

    def for_request(self):
        """Users as the signed-in user of a request: with the profile (the
        navbar's name) and one EXISTS per role in the same query, so the
        role checks of the per-request gates cost no query of their own."""
        through = self.model.groups.through
        return self.select_related("profile").annotate(
            **{
                f"_has_role_{role.value}": models.Exists(
                    through.objects.filter(
                        user_id=models.OuterRef("pk"), group__name=role.value
                    )
                )
                for role in Role
            }
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # One person, one address: "An.NV@X.vn" and "an.nv@x.vn" are the same.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str) -> User:
        return self.with_email(username).get()

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(
        self, email: str, password: str | None = None, **extra
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address."""

    username = None
    email = models.EmailField(_("địa chỉ thư điện tử"), unique=True)
    # When the account stopped being active (set by signals.py whatever
    # screen disables it); retention counts from it.
    ended_at = models.DateTimeField(
        _("tài khoản kết thúc lúc"), null=True, blank=True, editable=False
    )
    # When the retention job took the person's identity out of their records.
    anonymised_at = models.DateTimeField(
        _("ẩn danh lúc"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="people_user_email_ci_unique")
        ]

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.full_name:
            return profile.full_name
        return super().get_full_name()

    def has_role(self, role: Role | str) -> bool:
        names = getattr(self, "_role_names", None)
        if names is None:
            if hasattr(self, "_has_role_learner"):  # loaded by for_request()
                # Used once: after a role change (the people signals forget
                # _role_names) the groups are read again.
                names = {
                    r.value
                    for r in Role
                    if self.__dict__.pop(f"_has_role_{r.value}", False)
                }
            else:
                names = set(self.groups.values_list("name", flat=True))
            self._role_names = names
        return str(role) in names

    @property
    def is_province_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMIN)

    @property
    def is_unit_officer(self) -> bool:
        return self.has_role(Role.OFFICER)

    @property
    def is_trainer(self) -> bool:
        return self.has_role(Role.TRAINER)

    @property
    def needs_mfa(self) -> bool:
        return self.is_superuser or any(self.has_role(r) for r in STAFF_ROLES)


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )

    def current(self):
        return self.valid_on(timezone.localdate())

    def get_on(self, code: str, day: datetime.date | None = None):
        """The unit of ``code`` in force on ``day`` (today by default).

        Codes are reused after reforms: the code alone names several units,
        the code and a day name one. Raises ``DoesNotExist`` if none is.
        """
        return self.valid_on(day or timezone.localdate()).get(code=code)


class AdministrativeUnit(models.Model):
    """A province, district or commune as it existed between two dates.

    Codes are reused after reforms, so (code, valid_from) identifies a unit.
    Units end (valid_to); they are never deleted.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh, thành phố trực thuộc trung ương")
        DISTRICT = "district", _("Huyện, thị xã, thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã, phường, thị trấn")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        MUNICIPALITY = "municipality", _("Thành phố trực thuộc trung ương")
        PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
        TOWN = "town", _("Thị xã")
        RURAL_DISTRICT = "rural_district", _("Huyện")
        URBAN_DISTRICT = "urban_district", _("Quận")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        TOWNSHIP = "township", _("Thị trấn")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=100)
    full_name = models.CharField(_("tên đầy đủ"), max_length=150)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="people_unit_code_valid_from_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="people_unit_valid_range",
            ),
        ]

    # The kinds each level may have.
    KINDS_OF_LEVEL = {
        Level.PROVINCE: {Kind.PROVINCE, Kind.MUNICIPALITY},
        Level.DISTRICT: {
            Kind.PROVINCIAL_CITY,
            Kind.TOWN,
            Kind.RURAL_DISTRICT,
            Kind.URBAN_DISTRICT,
        },
        Level.COMMUNE: {Kind.WARD, Kind.COMMUNE, Kind.TOWNSHIP, Kind.SPECIAL_ZONE},
    }
    # Levels from the top: a parent is of a level above its child's.
    LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.full_name = normalize_text(self.full_name)
        super().save(*args, **kwargs)

    def clean(self):
        allowed = self.KINDS_OF_LEVEL.get(self.level)
        if allowed is not None and self.kind and self.kind not in allowed:
            raise ValidationError(
                {
                    "kind": _("Loại «%(kind)s» không thuộc cấp «%(level)s».")
                    % {
                        "kind": self.get_kind_display(),
                        "level": self.get_level_display(),
                    }
                }
            )

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def in_sentence(self) -> str:
        """The full name as written mid-sentence, its kind in lower case:
        "xã Xuân Lộc", "huyện Xuân Lộc"."""
        return self.full_name[:1].lower() + self.full_name[1:]

    def subtree_ids(self) -> set[int]:
        """This unit and every unit beneath it (a few queries: one per level)."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                AdministrativeUnit.objects.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            ids.update(frontier)
        return ids


class UnitSuccession(models.Model):
    """How units became other units: merges, splits, renames, upgrades."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        UPGRADE = "upgrade", _("Nâng cấp")
        # The same unit, unchanged, under another parent (a commune of an
        # abolished district now under the province).
        REPARENT = "reparent", _("Giữ nguyên, chuyển đơn vị cấp trên")

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị trước"),
        on_delete=models.PROTECT,
        related_name="successions_as_predecessor",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị sau"),
        on_delete=models.PROTECT,
        related_name="successions_as_successor",
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    partial = models.BooleanField(
        _("chỉ một phần địa giới chuyển sang đơn vị sau"), default=False
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="people_succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(self, user, unit_field="unit", owner_field=None)

    def by_match_key(self) -> dict[tuple[int, str], Agency]:
        """These agencies keyed by (unit id, ``name_match_key(name)``).

        Two spellings differing only by case or spacing name one agency;
        should both exist, the older one is the agency.
        """
        found: dict[tuple[int, str], Agency] = {}
        for agency in self.order_by("pk"):
            found.setdefault((agency.unit_id, name_match_key(agency.name)), agency)
        return found


class Agency(models.Model):
    """A workplace (cơ quan, đơn vị) within an administrative unit."""

    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], name="people_agency_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        super().save(*args, **kwargs)


def staff_search_q(
    query: str | None, *, profile: str = "", email: str = "user__email"
) -> Q:
    """Every word of ``query`` in the person's name or address, any order.

    Case and diacritics never matter ("nguyen van a" finds "Nguyễn Văn A",
    "đức" finds "Đức"): words are folded and matched against the folded
    ``search_key``, the same on SQLite and PostgreSQL. ``profile`` reaches the
    profile through a relation (``profile="learner__profile__"``) and
    ``email`` names the address field (``"learner__email"``); addresses are
    stored lower case. A one-letter word is an initial: it matches the start
    of a word of the name or the start of the address ("nguyen van a" finds
    "Nguyễn Văn An", not every "Văn").
    """
    key = f"{profile}search_key"
    condition = Q()
    for word in search_words(query):
        if len(word) == 1:
            condition &= (
                Q(**{f"{key}__startswith": word})
                | Q(**{f"{key}__contains": f" {word}"})
                | Q(**{f"{email}__startswith": word})
            )
        else:
            condition &= Q(**{f"{key}__contains": word}) | Q(
                **{f"{email}__contains": word}
            )
    return condition


class StaffProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(self, user, unit_field="unit", owner_field="user")

    def search(self, query: str | None):
        """Profiles whose name or address has every word of ``query``."""
        return self.filter(staff_search_q(query))


class StaffCategory(models.TextChoices):
    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    VIEN_CHUC = "vien_chuc", _("Viên chức")
    CNTT = "cntt", _("Cán bộ CNTT")


class StaffProfile(models.Model):
    """What the platform knows of a person's work: nothing more."""

    user = models.OneToOneField(
        User,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    # The name folded (lower case, no diacritics, "đ" -> "d") for search.
    search_key = models.CharField(
        max_length=200, db_index=True, editable=False, blank=True, default=""
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị công tác"),
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
    )
    category = models.CharField(
        _("đối tượng"), max_length=10, choices=StaffCategory.choices, blank=True
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # A self-registered account (SIGNUP_EMAIL_DOMAINS) until an officer of
    # its unit confirms it: no role, no course, no import may claim it.
    awaiting_confirmation = models.BooleanField(
        _("chờ xác nhận"), default=False, editable=False
    )
    # Processing restricted at the person's request (a DataRequest granted):
    # the profile is kept but left out of lists and reports.
    processing_restricted = models.BooleanField(
        _("hạn chế xử lý"), default=False, editable=False
    )

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ cán bộ")
        verbose_name_plural = _("hồ sơ cán bộ")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.position = normalize_text(self.position)
        self.sort_key = name_sort_key(self.full_name)
        self.search_key = fold(self.full_name)
        if self.agency_id:
            # A person's unit is their agency's: moving agency moves unit.
            self.unit_id = self.agency.unit_id
        super().save(*args, **kwargs)


class PrivacyConsent(models.Model):
    """A person accepted one version of the privacy notice (Decree 356/2025)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)
    # The SHA-256 of the notice's text exactly as shown (its body rendered in
    # the reader's language), so what was accepted can be proved later.
    notice_sha256 = models.CharField(
        _("mã SHA-256 của thông báo"), max_length=64, blank=True
    )
    accepted_at = models.DateTimeField(_("thời điểm đồng ý"), default=timezone.now)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # Purpose → legal basis (personal_data.PURPOSES / LegalBasis).
    legal_bases = models.JSONField(_("cơ sở pháp lý"), default=dict, blank=True)

    class Meta:
        verbose_name = _("đồng ý xử lý dữ liệu cá nhân")
        verbose_name_plural = _("đồng ý xử lý dữ liệu cá nhân")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notice_version"], name="people_consent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.notice_version}"


class AccessLog(models.Model):
    """Who looked at or exported whose personal data, who was refused, and
    sign-ins (successful or not). Never holds a password, code or token."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất ra tệp")
        DENIED = "denied", _("Bị từ chối")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_fail", _("Đăng nhập không thành công")
        MFA_FAILED = "mfa_fail", _("Sai mã xác thực")

    actor = models.ForeignKey(
        User,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=10, choices=Action.choices)
    # The subject is kept as an id: the log outlives the account it mentions.
    subject_user_id = models.BigIntegerField(_("mã người được xem"), null=True)
    what = models.CharField(_("nội dung"), max_length=255)
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor} {self.action} {self.what}"


class DataRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The person's own requests; an officer's unit's people's; all of
        them for province admins (who answer for people without a unit)."""
        return restrict(
            self, user, unit_field="person__profile__unit", owner_field="person"
        )

    def open(self):
        return self.filter(
            status__in=[DataRequest.Status.RECEIVED, DataRequest.Status.ACKNOWLEDGED]
        )


class DataRequest(models.Model):
    """A person's request about their data (Law 91/2025/QH15): filed from
    "Dữ liệu của tôi", acknowledged and answered by the officer of their unit
    (province admins for people without a unit) within the deadlines.
    Written by ``data_requests``' services only."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Xem, nhận bản sao dữ liệu")
        CORRECTION = "correction", _("Chỉnh sửa dữ liệu")
        WITHDRAW = "withdraw", _("Rút lại sự đồng ý")
        RESTRICT = "restrict", _("Hạn chế xử lý dữ liệu")
        OBJECT = "object", _("Phản đối xử lý dữ liệu")
        DELETE = "delete", _("Xóa dữ liệu")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã nhận, chờ xác nhận")
        ACKNOWLEDGED = "acknowledged", _("Đang xử lý")
        GRANTED = "granted", _("Đã chấp nhận")
        REFUSED = "refused", _("Đã từ chối")

    person = models.ForeignKey(
        User,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("loại yêu cầu"), max_length=12, choices=Kind.choices)
    details = models.TextField(_("nội dung yêu cầu"), max_length=2000)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(_("gửi lúc"))
    acknowledge_by = models.DateField(_("hạn xác nhận đã nhận"))
    answer_by = models.DateField(_("hạn trả lời"))
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    extended_at = models.DateTimeField(_("gia hạn lúc"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    decided_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("nội dung trả lời"), blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")
        ordering = ["answer_by", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.ACKNOWLEDGED)


class DataIncident(models.Model):
    """A personal-data breach recorded by a province admin: what happened,
    when it was discovered, which kinds of data (keys of the personal-data
    registry) and, optionally, which unit; the people affected are computed
    from the registry. The authority is to be notified within 72 hours of
    discovery. Written by ``incidents``' services only."""

    NOTIFY_WITHIN = datetime.timedelta(hours=72)

    title = models.CharField(_("sự cố"), max_length=200)
    description = models.TextField(_("diễn biến"), max_length=5000)
    discovered_at = models.DateTimeField(_("phát hiện lúc"))
    kinds = models.JSONField(_("loại dữ liệu bị ảnh hưởng"), default=list)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị bị ảnh hưởng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống nếu sự cố ảnh hưởng toàn hệ thống."),
    )
    measures = models.TextField(_("biện pháp đã thực hiện"), blank=True)
    affected_count = models.PositiveIntegerField(_("số người bị ảnh hưởng"), default=0)
    notified_at = models.DateTimeField(
        _("đã thông báo cơ quan chức năng lúc"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("người ghi nhận"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("sự cố dữ liệu cá nhân")
        verbose_name_plural = _("sự cố dữ liệu cá nhân")
        ordering = ["-discovered_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def notify_by(self) -> datetime.datetime:
        return self.discovered_at + self.NOTIFY_WITHIN
