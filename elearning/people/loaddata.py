"""Load data for people: the real units, agencies and generated accounts.

Learners and officers belong to the communes and wards of 01/07/2025 (every
unit of ``elearning/people/data/`` is loaded); each learner also gets the
2018 district their commune came from (``ctx.former``), which their records
made before the reform keep. Trainers and the admin are at the province.

Accounts are bulk-inserted a batch at a time with one password hash computed once; learners
have a verified address and have accepted the current privacy notice, staff
have a TOTP authenticator with a secret from the seeded stream (written to
the manifest), so every generated account can sign in straight away.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from elearning.loaddata import LoadContext, batched, bulk

from .models import (
    AdministrativeUnit,
    Agency,
    PrivacyConsent,
    Role,
    StaffCategory,
    StaffProfile,
    User,
)
from .names import fold, name_match_key, name_sort_key, normalize_text
from .selectors import former_districts
from .services import PRIVACY_NOTICE_VERSION, unit_files_load

FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai",
]  # fmt: skip
MIDDLE = [
    "Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Đức", "Quốc", "Thu", "Hữu",
    "Kim", "Gia", "Bảo", "Xuân", "Phương",
]  # fmt: skip
GIVEN = [
    "An", "Anh", "Bình", "Châu", "Chi", "Cường", "Dũng", "Dung", "Duy", "Đạt",
    "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hòa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân", "Nhung", "Phúc",
    "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung",
    "Tuấn", "Uyên", "Việt", "Vy", "Yến",
]  # fmt: skip
# The agencies of a commune or ward since 01/07/2025 (the economic office of
# a ward also has infrastructure and urban affairs).
COMMUNE_AGENCIES = [
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế",
    "Phòng Văn hóa - Xã hội",
    "Trung tâm Phục vụ hành chính công",
]
WARD_ECONOMY = "Phòng Kinh tế, Hạ tầng và Đô thị"
# Those of a district until 30/06/2025: named on the certificates of then.
AGENCIES = [
    "Văn phòng HĐND và UBND",
    "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Tư pháp",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Y tế",
]
PROVINCE_AGENCY = "Sở Khoa học và Công nghệ"
CATEGORIES = [
    StaffCategory.CONG_CHUC,
    StaffCategory.CONG_CHUC,
    StaffCategory.VIEN_CHUC,
    StaffCategory.CAN_BO,
]


def full_name(rng) -> str:
    return normalize_text(
        f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    )


def units(ctx: LoadContext) -> None:
    unit_files_load()
    province = AdministrativeUnit.objects.get(code="75", parent__isnull=True)
    ctx.units = {"75": province}
    ctx.districts = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=AdministrativeUnit.Level.DISTRICT
        ).order_by("code", "valid_from")
    )
    ctx.communes = list(
        AdministrativeUnit.objects.valid_on(ctx.today)
        .filter(parent=province, level=AdministrativeUnit.Level.COMMUNE)
        .order_by("code", "valid_from")
    )
    ctx.units.update({u.code: u for u in ctx.communes})


def agency_names(unit: AdministrativeUnit) -> list[str]:
    names = list(COMMUNE_AGENCIES)
    if unit.kind == AdministrativeUnit.Kind.WARD:
        names[1] = WARD_ECONOMY
    return [normalize_text(f"{name} {unit.full_name}") for name in names]


def former_agency_name(learner_id: int, district: AdministrativeUnit) -> str:
    """The district agency a learner worked in before the reform, as the
    certificates of then name it (one of the district's, by the learner)."""
    name = AGENCIES[learner_id % len(AGENCIES)]
    return normalize_text(f"{name} {district.full_name}")


def agencies(ctx: LoadContext) -> None:
    wanted = [(ctx.units["75"].pk, PROVINCE_AGENCY)] + [
        (unit.pk, name) for unit in ctx.communes for name in agency_names(unit)
    ]
    # An agency already there under another case or spacing is reused.
    existing = set(Agency.objects.by_match_key())
    new = [
        Agency(unit_id=u, name=n)
        for u, n in wanted
        if (u, name_match_key(n)) not in existing
    ]
    bulk(Agency, new)
    ctx.count("agencies", len(new))
    ctx.agencies = {}
    found = Agency.objects.by_match_key()
    for unit_id, name in wanted:
        ctx.agencies.setdefault(unit_id, []).append(
            found[(unit_id, name_match_key(name))].pk
        )


def accounts(ctx: LoadContext, people) -> list[tuple[int, str, int]]:
    """Create ``people`` ((email, role, unit), any iterable) with profile,
    address and consent, a batch at a time.

    Returns (user id, email, unit id) in the given order.
    """
    made: list[tuple[int, str, int]] = []
    groups: dict[str, int] = {}
    for batch in batched(people):
        made.extend(_accounts_batch(ctx, batch, groups))
    ctx.count("users", len(made))
    return made


def _accounts_batch(ctx, people, groups) -> list[tuple[int, str, int]]:
    rng = ctx.rng
    role_names = {str(role) for _email, role, _unit in people} - set(groups)
    groups.update(Group.objects.filter(name__in=role_names).values_list("name", "pk"))
    for name in role_names - set(groups):  # a flushed test database
        groups[name] = Group.objects.create(name=name).pk
    users = bulk(
        User,
        (
            User(
                email=email,
                password=ctx.password_hash,
                is_staff=role != Role.LEARNER,
                date_joined=ctx.now,
            )
            for email, role, _unit in people
        ),
    )
    if any(u.pk is None for u in users):  # a backend not returning ids
        by_email = dict(
            User.objects.filter(email__in=[u.email for u in users]).values_list(
                "email", "pk"
            )
        )
        for user in users:
            user.pk = by_email[user.email]
    profiles = []
    for user, (_email, _role, unit) in zip(users, people, strict=True):
        agency_id = rng.choice(ctx.agencies[unit.pk])
        name = full_name(rng)
        profiles.append(
            StaffProfile(
                user_id=user.pk,
                full_name=name,
                sort_key=name_sort_key(name),
                search_key=fold(name),
                unit_id=unit.pk,
                agency_id=agency_id,
                category=rng.choice(CATEGORIES),
            )
        )
    bulk(StaffProfile, profiles)
    bulk(
        User.groups.through,
        (
            User.groups.through(user_id=user.pk, group_id=groups[str(role)])
            for user, (_e, role, _u) in zip(users, people, strict=True)
        ),
    )
    bulk(
        EmailAddress,
        (
            EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
            for u in users
        ),
    )
    bulk(
        PrivacyConsent,
        (
            PrivacyConsent(
                user_id=u.pk,
                notice_version=PRIVACY_NOTICE_VERSION,
                accepted_at=ctx.now,
            )
            for u in users
        ),
    )
    return [
        (user.pk, user.email, unit.pk)
        for user, (_e, _r, unit) in zip(users, people, strict=True)
    ]


def totp(ctx: LoadContext, user_ids: list[int]) -> list[str]:
    """A TOTP authenticator per staff account; returns the secrets."""
    secrets = [ctx.totp_secret() for _ in user_ids]
    bulk(
        Authenticator,
        (
            Authenticator(
                user_id=pk,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(secret)},
            )
            for pk, secret in zip(user_ids, secrets, strict=True)
        ),
    )
    return secrets


def generate(ctx: LoadContext) -> None:
    size = ctx.size
    units(ctx)
    agencies(ctx)
    ctx.password_hash = make_password(ctx.password)
    province = ctx.units["75"]
    # Learners spread over the communes and wards, a little unevenly like
    # real ones; each keeps one of the districts their commune came from.
    weights = [ctx.rng.randint(5, 15) for _ in ctx.communes]
    learner_units = ctx.rng.choices(ctx.communes, weights=weights, k=size.learners)
    formers = former_districts(ctx.communes)
    former_ids = [
        ctx.rng.choice(formers[unit.pk]).pk if formers[unit.pk] else None
        for unit in learner_units
    ]
    people = (
        (ctx.email("hv", n, unit.code), Role.LEARNER, unit)
        for n, unit in enumerate(learner_units)
    )
    ctx.learners = accounts(ctx, people)
    ctx.former = {
        pk: former
        for (pk, _e, _u), former in zip(ctx.learners, former_ids, strict=True)
    }
    del learner_units, former_ids
    officers = [
        (ctx.email("cb", n * 100 + k, unit.code), Role.OFFICER, unit)
        for n, unit in enumerate(ctx.communes)
        for k in range(size.officers)
    ]
    trainers = [
        (ctx.email("gv", n), Role.TRAINER, province) for n in range(size.trainers)
    ]
    admin = [(ctx.email("qt", 0), Role.ADMIN, province)]
    staff = accounts(ctx, officers + trainers + admin)
    secrets = totp(ctx, [pk for pk, _e, _u in staff])
    ctx.officers = staff[: len(officers)]
    ctx.trainers = [pk for pk, _e, _u in staff[len(officers) : -1]]
    ctx.admin_id = staff[-1][0]
    unit_codes = {u.pk: u.code for u in ctx.communes}
    ctx.manifest["learners"] = [email for _pk, email, _u in ctx.learners]
    ctx.manifest["officers"] = [
        {"email": email, "unit": unit_codes[unit_id], "totp_secret": secret}
        for (_pk, email, unit_id), secret in zip(ctx.officers, secrets, strict=False)
    ]
    ctx.manifest["trainers"] = [
        {"email": email, "totp_secret": secret}
        for (_pk, email, _u), secret in zip(
            staff[len(officers) : -1], secrets[len(officers) : -1], strict=True
        )
    ]
    ctx.manifest["admin"] = {"email": staff[-1][1], "totp_secret": secrets[-1]}
    ctx.say(
        f"People: {len(ctx.learners)} learners, {len(staff)} staff, "
        f"{ctx.counts.get('agencies', 0)} agencies"
    )
