"""Demo data for people: units, agencies and one account of each role.

Idempotent. Staff accounts get a TOTP authenticator whose secret is printed:
add it to an authenticator app to pass the MFA step (docs/people.md).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt

from .models import STAFF_ROLES, AdministrativeUnit, Role, StaffProfile, User
from .services import agency_get_or_create, units_load, user_set_role

DEMO_PASSWORD = "hoc-an-toan-2026"  # noqa: S105 - printed demo credential

COMMON_AGENCIES = [
    "Văn phòng HĐND và UBND",
    "Phòng Văn hóa và Thông tin",
    "Phòng Nội vụ",
]

# (email, role, unit code, agency, full name)
PEOPLE = [
    (
        "quantri@stttt.dongnai.example.gov.vn",
        Role.ADMIN,
        "75",
        "Sở Thông tin và Truyền thông",
        "Hoàng Văn Hải",
    ),
    (
        "giangvien@stttt.dongnai.example.gov.vn",
        Role.TRAINER,
        "75",
        "Sở Thông tin và Truyền thông",
        "Võ Thị Giang",
    ),
    (
        "canbo@xuanloc.example.gov.vn",
        Role.OFFICER,
        "741",
        "Phòng Văn hóa và Thông tin",
        "Lê Hoàng Đức",
    ),
    (
        "canbo@bienhoa.example.gov.vn",
        Role.OFFICER,
        "731",
        "Phòng Văn hóa và Thông tin",
        "Phạm Minh Châu",
    ),
    (
        "an.nv@xuanloc.example.gov.vn",
        Role.LEARNER,
        "741",
        "Văn phòng HĐND và UBND",
        "Nguyễn Văn An",
    ),
    (
        "dung.tt@xuanloc.example.gov.vn",
        Role.LEARNER,
        "741",
        "Phòng Nội vụ",
        "Trần Thị Dung",
    ),
    (
        "hoa.pt@xuanloc.example.gov.vn",
        Role.LEARNER,
        "741",
        "Phòng Văn hóa và Thông tin",
        "Phạm Thị Hoa",
    ),
    (
        "minh.lv@xuanloc.example.gov.vn",
        Role.LEARNER,
        "741",
        "Văn phòng HĐND và UBND",
        "Lê Văn Minh",
    ),
    (
        "binh.lt@bienhoa.example.gov.vn",
        Role.LEARNER,
        "731",
        "Văn phòng HĐND và UBND",
        "Lý Thanh Bình",
    ),
]


def demo_users(role: Role, *, unit_code: str | None = None) -> list[User]:
    """The demo accounts of ``role`` (other apps' seeders build on them)."""
    emails = [
        email
        for email, person_role, code, *_ in PEOPLE
        if person_role == role and (unit_code is None or code == unit_code)
    ]
    return list(User.objects.filter(email__in=emails).order_by("email"))


def _agencies() -> int:
    created = 0
    province = AdministrativeUnit.objects.get(code="75", parent__isnull=True)
    _, was_created = agency_get_or_create(
        unit=province, name="Sở Thông tin và Truyền thông"
    )
    created += was_created
    # The 2018 districts only: `make setup` also loads the communes.
    for unit in AdministrativeUnit.objects.filter(
        parent=province, level=AdministrativeUnit.Level.DISTRICT
    ):
        for name in COMMON_AGENCIES:
            _, was_created = agency_get_or_create(
                unit=unit, name=f"{name} {unit.full_name}"
            )
            created += was_created
    return created


def _person(email, role, unit_code, agency_name, full_name) -> tuple[User, bool]:
    unit = AdministrativeUnit.objects.filter(code=unit_code).latest("valid_from")
    if unit.level != AdministrativeUnit.Level.PROVINCE:
        agency_name = f"{agency_name} {unit.full_name}"
    agency, _created = agency_get_or_create(unit=unit, name=agency_name)
    user, created = User.objects.get_or_create(email=email)
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save()
    StaffProfile.objects.update_or_create(
        user=user, defaults={"full_name": full_name, "unit": unit, "agency": agency}
    )
    user_set_role(user=user, role=role)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def _totp_secret(user: User) -> str:
    existing = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def seed(*, stdout, style) -> None:
    created, updated, unchanged = units_load()
    stdout.write(
        "Administrative units of 2018: "
        f"{created} created, {updated + unchanged} already there"
    )
    stdout.write(f"Agencies: {_agencies()} created")
    stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role, *rest in PEOPLE:
        user, _ = _person(email, role, *rest)
        line = f"  {Role(role).value:8} {email}"
        if role in STAFF_ROLES:
            line += f"  TOTP secret: {_totp_secret(user)}"
        stdout.write(line)
    stdout.write(
        "Staff sign in with a 6-digit code from an authenticator app holding the "
        "TOTP secret above (see docs/people.md)."
    )
