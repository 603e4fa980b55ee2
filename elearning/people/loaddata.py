"""Load data for people: the real units, agencies and generated accounts.

Accounts are bulk-inserted with one password hash computed once; learners
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

from elearning.loaddata import LoadContext, bulk

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
from .services import PRIVACY_NOTICE_VERSION, units_load

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
    units_load()
    province = AdministrativeUnit.objects.get(code="75", parent__isnull=True)
    ctx.units = {"75": province}
    # The 2018 districts (a database set up by `make setup` has the communes too).
    ctx.districts = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=AdministrativeUnit.Level.DISTRICT
        )
    )
    ctx.units.update({u.code: u for u in ctx.districts})


def agencies(ctx: LoadContext) -> None:
    wanted = [(ctx.units["75"].pk, PROVINCE_AGENCY)] + [
        (unit.pk, normalize_text(f"{name} {unit.full_name}"))
        for unit in ctx.districts
        for name in AGENCIES
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


def accounts(
    ctx: LoadContext, people: list[tuple[str, Role, object]]
) -> list[tuple[int, str, int]]:
    """Create ``people`` ((email, role, unit)) with profile, address, consent.

    Returns (user id, email, unit id) in the given order.
    """
    rng = ctx.rng
    role_names = {str(role) for _email, role, _unit in people}
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=role_names)}
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
    ctx.count("users", len(users))
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
    # Learners spread over the districts, a little unevenly like real ones.
    weights = [ctx.rng.randint(5, 15) for _ in ctx.districts]
    learner_units = ctx.rng.choices(ctx.districts, weights=weights, k=size.learners)
    people = [
        (ctx.email("hv", n, unit.code), Role.LEARNER, unit)
        for n, unit in enumerate(learner_units)
    ]
    ctx.learners = accounts(ctx, people)
    officers = [
        (ctx.email("cb", n * 100 + k, unit.code), Role.OFFICER, unit)
        for n, unit in enumerate(ctx.districts)
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
    unit_codes = {u.pk: u.code for u in ctx.districts}
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
