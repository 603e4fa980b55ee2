"""Demo data for people: units, agencies and one account of each role.

Idempotent. Staff accounts get a TOTP authenticator whose secret is printed:
add it to an authenticator app to pass the MFA step (docs/people.md).
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt

from .models import STAFF_ROLES, AdministrativeUnit, Role, StaffProfile, User
from .selectors import unit_on
from .services import agency_get_or_create, unit_files_load, user_set_role

DEMO_PASSWORD = "hoc-an-toan-2026"  # noqa: S105 - printed demo credential

PROVINCE_AGENCY = "Sở Khoa học và Công nghệ"
# The offices of a commune or ward since 01/07/2025.
COMMON_AGENCIES = [
    "Văn phòng HĐND và UBND",
    "Phòng Văn hóa - Xã hội",
    "Phòng Kinh tế",
]

# (email, role, unit code, agency, full name). Units are those in force
# today: the province, and communes and wards of 01/07/2025.
PEOPLE = [
    (
        "quantri@skhcn.dongnai.example.gov.vn",
        Role.ADMIN,
        "75",
        PROVINCE_AGENCY,
        "Hoàng Văn Hải",
    ),
    (
        "giangvien@skhcn.dongnai.example.gov.vn",
        Role.TRAINER,
        "75",
        PROVINCE_AGENCY,
        "Võ Thị Giang",
    ),
    (
        "canbo@xuanloc.example.gov.vn",
        Role.OFFICER,
        "26425",  # Xã Xuân Lộc
        "Văn phòng HĐND và UBND",
        "Lê Hoàng Đức",
    ),
    (
        "canbo@tranbien.example.gov.vn",
        Role.OFFICER,
        "26041",  # Phường Trấn Biên
        "Văn phòng HĐND và UBND",
        "Phạm Minh Châu",
    ),
    (
        "an.nv@xuanloc.example.gov.vn",
        Role.LEARNER,
        "26425",
        "Văn phòng HĐND và UBND",
        "Nguyễn Văn An",
    ),
    (
        "dung.tt@xuanloc.example.gov.vn",
        Role.LEARNER,
        "26425",
        "Phòng Kinh tế",
        "Trần Thị Dung",
    ),
    (
        "hoa.pt@xuanloc.example.gov.vn",
        Role.LEARNER,
        "26425",
        "Phòng Văn hóa - Xã hội",
        "Phạm Thị Hoa",
    ),
    (
        "minh.lv@xuanloc.example.gov.vn",
        Role.LEARNER,
        "26425",
        "Văn phòng HĐND và UBND",
        "Lê Văn Minh",
    ),
    (
        "tam.nt@xuanthanh.example.gov.vn",
        Role.LEARNER,
        "26434",  # Xã Xuân Thành
        "Văn phòng HĐND và UBND",
        "Ngô Thanh Tâm",
    ),
    (
        "binh.lt@tranbien.example.gov.vn",
        Role.LEARNER,
        "26041",
        "Văn phòng HĐND và UBND",
        "Lý Thanh Bình",
    ),
]

# Before 01/07/2025 the Xuân Lộc learners worked for the district (741):
# their 2024 history (a class, certificates) stays under it.
HISTORY_UNIT = "741"
HISTORY_DAY = datetime.date(2024, 10, 1)
HISTORY_PEOPLE = [
    "an.nv@xuanloc.example.gov.vn",
    "dung.tt@xuanloc.example.gov.vn",
    "hoa.pt@xuanloc.example.gov.vn",
]


def demo_users(role: Role, *, unit_code: str | None = None) -> list[User]:
    """The demo accounts of ``role`` (other apps' seeders build on them)."""
    emails = [
        email
        for email, person_role, code, *_ in PEOPLE
        if person_role == role and (unit_code is None or code == unit_code)
    ]
    return list(User.objects.filter(email__in=emails).order_by("email"))


def agency_name(name: str, unit: AdministrativeUnit) -> str:
    """ "Văn phòng HĐND và UBND xã Xuân Lộc": the office and its unit."""
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return name
    return f"{name} {unit.in_sentence}"


def _agencies() -> int:
    """The common offices of each unit a demo person works in."""
    created = 0
    for code in sorted({code for _e, _r, code, *_rest in PEOPLE}):
        unit = unit_on(code)
        names = [PROVINCE_AGENCY] if code == "75" else COMMON_AGENCIES
        for name in names:
            _, was_created = agency_get_or_create(
                unit=unit, name=agency_name(name, unit)
            )
            created += was_created
    return created


def _person(email, role, unit_code, agency, full_name) -> tuple[User, bool]:
    unit = unit_on(unit_code)
    agency, _created = agency_get_or_create(unit=unit, name=agency_name(agency, unit))
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


def history_unit() -> AdministrativeUnit:
    """The district the history learners belonged to in 2024."""
    return unit_on(HISTORY_UNIT, HISTORY_DAY)


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
    # Every unit of 2018 and 2025 and the successions (as `make setup`).
    for path, _kind, counts in unit_files_load():
        stdout.write(
            f"{path.name}: {counts.created} created, "
            f"{counts.updated + counts.unchanged} already there"
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
