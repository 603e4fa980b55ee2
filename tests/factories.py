"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from elearning.people.models import (
    AdministrativeUnit,
    Agency,
    Role,
    StaffCategory,
    StaffProfile,
    User,
)

DEFAULT_PASSWORD = "mat-khau-thu-nghiem-2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code", "valid_from")

    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    full_name = factory.LazyAttribute(lambda o: f"Huyện {o.name}")
    level = AdministrativeUnit.Level.DISTRICT
    kind = AdministrativeUnit.Kind.RURAL_DISTRICT
    valid_from = datetime.date(2004, 7, 8)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("unit", "name")

    name = factory.Sequence(lambda n: f"Phòng {n}")
    unit = factory.SubFactory(UnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            # The role groups come from a data migration; a transactional
            # test's flush removes them, so make the group if it is missing.
            group, _ = Group.objects.get_or_create(name=str(extracted))
            self.groups.add(group)
            if extracted in (Role.OFFICER, Role.TRAINER, Role.ADMIN):
                self.is_staff = True
        self.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người{n}")
    agency = factory.SubFactory(AgencyFactory)
    unit = factory.SelfAttribute("agency.unit")
    category = StaffCategory.CONG_CHUC


class UnitMap(dict):
    """Units by code, for tests: ``units["741"]``, ``units.on("26005", day)``.

    Codes are reused after reforms (26005 was Phường Tân Hòa until
    30/06/2025 and is Phường Hố Nai since), so ``units[code]`` is the only
    unit of that code or, when the code names several, the one in force
    today; ``on(code, day)`` is the one in force on ``day``. A code naming
    several units none of which is in force today is a KeyError: say the day.
    """

    def __init__(self, units):
        self.all: dict[str, list[AdministrativeUnit]] = {}
        for unit in sorted(units, key=lambda u: u.valid_from):
            self.all.setdefault(unit.code, []).append(unit)
        today = timezone.localdate()
        super().__init__()
        for code, found in self.all.items():
            current = [u for u in found if u.in_force_on(today)]
            if len(found) == 1 or current:
                self[code] = found[0] if len(found) == 1 else current[0]

    def __missing__(self, code):
        if code in self.all:
            raise KeyError(
                f"code {code} names {len(self.all[code])} units, none in force "
                f"today: use units.on({code!r}, day)"
            )
        raise KeyError(code)

    def on(self, code: str, day: datetime.date) -> AdministrativeUnit:
        found = [u for u in self.all.get(code, []) if u.in_force_on(day)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} units of code {code} on {day}")
        return found[0]


def make_person(
    *,
    role: Role | str | None,
    unit: AdministrativeUnit,
    full_name: str,
    email: str,
    ready: bool = True,
) -> User:
    """A user with a profile in ``unit`` (and an agency there) and ``role``.

    ``ready`` (the default) passes the sign-in gates: staff get a TOTP
    authenticator and everyone has accepted the current privacy notice, so
    tests exercise the page, not the MFA or consent redirect.
    """
    agency = AgencyFactory(unit=unit, name=f"Văn phòng HĐND và UBND {unit.full_name}")
    user = UserFactory(email=email, role=role)
    StaffProfileFactory(user=user, full_name=full_name, agency=agency, unit=unit)
    if ready:
        make_ready(user)
    return user


def make_ready(user: User) -> User:
    """Give ``user`` what the MFA and consent gates ask for."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from elearning.people.services import consent_record

    if user.needs_mfa and not user.authenticator_set.filter(type="totp").exists():
        TOTP.activate(user, generate_totp_secret())
    consent_record(user=user)
    return user


def verify_email(user: User) -> None:
    """allauth asks for a verified address before a password login.

    Not part of make_ready(): tests elsewhere add the address themselves.
    """
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def reauthenticate(client, password: str = DEFAULT_PASSWORD) -> None:
    """Re-authenticate ``client``'s session with allauth, as before an export.

    Sensitive views (exports of personal data, certificate revocation,
    account changes) ask for it when the last proof is older than
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT``.
    """
    from django.urls import reverse

    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.status_code
