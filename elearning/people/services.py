"""Writes about people and units."""

from __future__ import annotations

import csv
import datetime
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.log_actions import LogContext

from .models import (
    STAFF_ROLES,
    AccessLog,
    AdministrativeUnit,
    Agency,
    PrivacyConsent,
    Role,
    StaffProfile,
    UnitSuccession,
    User,
)
from .names import name_match_key, normalize_text

UNITS_2018 = (
    Path(__file__).resolve().parent / "data" / "administrative_units_dong_nai_2018.csv"
)
UNIT_COLUMNS = (
    "code",
    "name",
    "full_name",
    "level",
    "kind",
    "parent_code",
    "valid_from",
)

# The version of templates/people/privacy_notice.html people agree to. Bump it
# when the notice changes in substance: everyone is asked again.
PRIVACY_NOTICE_VERSION = "2026-12"


def agency_get_or_create(*, unit: AdministrativeUnit, name: str) -> tuple[Agency, bool]:
    """The agency of ``unit`` called ``name``, created if there is none.

    Names match whatever their case and spacing ("huyện Xuân Lộc" is
    "Huyện Xuân Lộc"), and the existing agency keeps its spelling;
    diacritics still count.
    """
    name = normalize_text(name)
    key = (unit.pk, name_match_key(name))
    with transaction.atomic():
        found = Agency.objects.filter(unit=unit).by_match_key().get(key)
        if found is not None:
            return found, False
        agency = Agency(unit=unit, name=name)
        agency.full_clean()
        agency.save()
        return agency, True


@dataclass(frozen=True)
class AgencyMerge:
    kept: Agency
    merged: list[str]  # the names of the agencies merged into ``kept``
    people: int  # how many people they had


@transaction.atomic
def agencies_merge_duplicates(
    *, unit: AdministrativeUnit | None = None, dry_run: bool = False
) -> list[AgencyMerge]:
    """Merge the agencies whose names differ only by case or spacing.

    Such pairs were made before names were matched that way (an import's
    "phòng nội vụ" next to "Phòng Nội vụ"). In each unit (or only in
    ``unit``), the oldest agency of each name keeps its spelling; the people
    of the others are moved to it and the others are deleted, each change in
    Wagtail's log. Returns what was (or, with ``dry_run``, would be)
    merged; ``dry_run`` changes nothing.
    """
    from wagtail.log_actions import log

    agencies = Agency.objects.order_by("pk")
    if unit is not None:
        agencies = agencies.filter(unit=unit)
    groups: dict[tuple[int, str], list[Agency]] = {}
    for agency in agencies:
        groups.setdefault((agency.unit_id, name_match_key(agency.name)), []).append(
            agency
        )
    merges = []
    for kept, *others in (same for same in groups.values() if len(same) > 1):
        moved = StaffProfile.objects.filter(agency__in=others)
        people = moved.count() if dry_run else moved.update(agency=kept)
        merges.append(AgencyMerge(kept, [other.name for other in others], people))
        if dry_run:
            continue
        for other in others:
            log(
                instance=kept,
                action="people.agency_merged",
                data={"merged": other.name, "merged_id": other.pk},
            )
            other.delete()
    return merges


class UnitFileError(ValueError):
    """A unit file that cannot be loaded; the message says where and why."""


def _parse_date(value: str, *, line: int, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise UnitFileError(
            _(
                "Dòng %(line)d: cột %(column)s không phải ngày (YYYY-MM-DD): «%(value)s»."
            )
            % {"line": line, "column": column, "value": value}
        ) from None


@transaction.atomic
def units_load(*, path: Path = UNITS_2018) -> tuple[int, int]:
    """Create or update units from a CSV in the shape of the 2018 list.

    Idempotent: a unit is identified by (code, valid_from). Parents must come
    before their children in the file (or already be in the database). Every
    row is checked; the first bad one raises UnitFileError and, the function
    being atomic, nothing is written. Returns (created, updated).
    """
    created = updated = 0
    levels = set(AdministrativeUnit.Level.values)
    kinds = set(AdministrativeUnit.Kind.values)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise UnitFileError(
            _("Không mở được tệp %(path)s: %(error)s.")
            % {"path": path, "error": error.strerror}
        ) from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            missing = [c for c in UNIT_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UnitFileError(
                    _("Tệp thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}
                )
            rows = list(reader)
        except UnicodeDecodeError:
            raise UnitFileError(_("Tệp không phải văn bản UTF-8.")) from None
        for line, row in enumerate(rows, start=2):
            if not (row.get("code") or "").strip():
                raise UnitFileError(
                    _("Dòng %(line)d: thiếu mã đơn vị.") % {"line": line}
                )
            if row["level"] not in levels:
                raise UnitFileError(
                    _("Dòng %(line)d: cấp «%(value)s» không hợp lệ.")
                    % {"line": line, "value": row["level"]}
                )
            if row["kind"] not in kinds:
                raise UnitFileError(
                    _("Dòng %(line)d: loại «%(value)s» không hợp lệ.")
                    % {"line": line, "value": row["kind"]}
                )
            valid_from = _parse_date(row["valid_from"], line=line, column="valid_from")
            valid_to = (
                _parse_date(row["valid_to"], line=line, column="valid_to")
                if (row.get("valid_to") or "").strip()
                else None
            )
            parent = None
            if row["parent_code"]:
                parent = (
                    AdministrativeUnit.objects.filter(
                        code=row["parent_code"], valid_from__lte=valid_from
                    )
                    .order_by("-valid_from")
                    .first()
                )
                if parent is None:
                    raise UnitFileError(
                        _("Dòng %(line)d: không tìm thấy đơn vị cấp trên mã %(code)s.")
                        % {"line": line, "code": row["parent_code"]}
                    )
            unit, was_created = AdministrativeUnit.objects.update_or_create(
                code=row["code"].strip(),
                valid_from=valid_from,
                defaults={
                    "name": row["name"],
                    "full_name": row["full_name"],
                    "level": row["level"],
                    "kind": row["kind"],
                    "parent": parent,
                    "valid_to": valid_to,
                    "legal_basis": row.get("legal_basis") or "",
                    "note": row.get("note") or "",
                },
            )
            try:
                unit.full_clean()
            except ValidationError as error:
                raise UnitFileError(
                    _("Dòng %(line)d: %(errors)s")
                    % {"line": line, "errors": "; ".join(error.messages)}
                ) from None
            created += was_created
            updated += not was_created
    return created, updated


@transaction.atomic
def unit_succeed(
    *,
    predecessors: list[AdministrativeUnit],
    successor: AdministrativeUnit,
    kind: str,
    effective_date: datetime.date,
    legal_basis: str = "",
) -> list[UnitSuccession]:
    """Record that ``predecessors`` became ``successor`` on ``effective_date``.

    Each predecessor still in force ends the day before; nothing is deleted,
    so staff, certificates and reports keep pointing at the unit they had.
    """
    successions = []
    day_before = effective_date - datetime.timedelta(days=1)
    for unit in predecessors:
        if unit.valid_to is None or unit.valid_to > day_before:
            unit.valid_to = day_before
            unit.full_clean()
            unit.save(update_fields=["valid_to"])
        succession = UnitSuccession(
            predecessor=unit,
            successor=successor,
            kind=kind,
            effective_date=effective_date,
            legal_basis=legal_basis,
        )
        succession.full_clean()
        succession.save()
        successions.append(succession)
    return successions


# --- Accounts -----------------------------------------------------------------


class InviteError(ValueError):
    """A user cannot be invited as asked; the message is translated."""


def _role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@transaction.atomic
def user_set_role(*, user: User, role: Role | str, actor: User | None = None) -> None:
    """Make ``role`` the user's only role; staff roles get admin access.

    The change is written to Wagtail's log (action ``people.role_change``)
    with who made it and the roles removed and added.
    """
    role = Role(role)
    if _role_names(user) == [role.value]:
        return
    # The m2m_changed handler in signals.py writes the log entries; the
    # context names who made the change.
    context = LogContext(user=actor) if actor is not None else nullcontext()
    with context:
        user.groups.set([Group.objects.get(name=role.value)])
    user._role_names = {role.value}
    user.is_staff = role in STAFF_ROLES
    user.save(update_fields=["is_staff"])


def password_set_url(user: User) -> str:
    """An absolute link to allauth's set-password-from-key page for ``user``.

    Built with the token generator allauth's reset flow checks, so it stops
    working once the password is set.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings

    key = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def user_invite(
    *,
    email: str,
    role: Role | str,
    unit: AdministrativeUnit | None = None,
    agency: Agency | None = None,
    full_name: str = "",
    actor: User | None = None,
) -> tuple[User, str, bool]:
    """Create (or find) an account and email its holder a set-password link.

    The account has an unusable password until the link is used: hashing
    passwords for people who may never sign in costs time for nothing.
    Returns (user, link, created). Raises InviteError with a translated
    message for a malformed email, an unknown role or a unit/agency mismatch.
    """
    from allauth.account.models import EmailAddress

    from elearning.services import email_send

    email = User.objects.normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise InviteError(
            _("Địa chỉ thư điện tử «%(email)s» không hợp lệ.") % {"email": email}
        ) from None
    if role not in Role.values:
        raise InviteError(
            _("Vai trò «%(role)s» không tồn tại; chọn một trong: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if agency is not None:
        if unit is None:
            unit = agency.unit
        elif agency.unit_id != unit.pk:
            raise InviteError(
                _("Cơ quan «%(agency)s» không thuộc %(unit)s.")
                % {"agency": agency, "unit": unit}
            )
    if role == Role.OFFICER and unit is None:
        raise InviteError(_("Cán bộ phụ trách phải thuộc một đơn vị hành chính."))

    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None)
    profile = getattr(user, "profile", None) if not created else None
    if profile is None:
        profile = StaffProfile(user=user)
    if full_name:
        profile.full_name = full_name
    if unit is not None:
        profile.unit = unit
    if agency is not None:
        profile.agency = agency
    if not profile.full_name:
        profile.full_name = email.split("@")[0]
    profile.full_clean(exclude=["sort_key"])
    profile.save()
    user_set_role(user=user, role=role, actor=actor)
    # The invitation proves the address: allauth need not ask again.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )

    link = password_set_url(user)
    body = _(
        "Xin chào %(name)s,\n\n"
        "Tài khoản của bạn trên Hệ thống học trực tuyến đã được tạo với vai trò "
        "%(role)s.\nĐể đặt mật khẩu và đăng nhập, hãy mở đường liên kết sau:\n\n"
        "%(link)s\n\nĐường liên kết chỉ dùng được một lần."
    ) % {"name": profile.full_name, "role": Role(role).label, "link": link}
    email_send(to=[email], subject=_("Mời sử dụng Hệ thống học trực tuyến"), body=body)
    return user, link, created


DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


def user_sessions_end(*, user_id: int) -> int:
    """End every session of one account; returns how many were ended.

    allauth's ``UserSession`` rows (the sessions the person sees and can
    revoke) are ended through allauth's adapter, which deletes the session
    from the store. With database sessions (``db``, or ``cached_db`` in
    production) any session
    usersessions never saw is found and deleted too.
    """
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession
    from django.conf import settings
    from django.utils import timezone

    sessions = list(UserSession.objects.filter(user_id=user_id))
    get_adapter().end_sessions(sessions)
    ended = len(sessions)
    if settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES:
        from importlib import import_module

        from django.contrib.sessions.models import Session

        store = import_module(settings.SESSION_ENGINE).SessionStore
        stale = [
            session.pk
            for session in Session.objects.filter(
                expire_date__gt=timezone.now()
            ).iterator(chunk_size=2000)
            if session.get_decoded().get("_auth_user_id") == str(user_id)
        ]
        for key in stale:
            # Through the engine: cached_db forgets its cached copy too.
            store(session_key=key).delete()
        ended += len(stale)
    return ended


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions (on commit).

    The change is written to Wagtail's log. Any other screen that sets
    ``is_active`` (Wagtail's user admin) ends the sessions as well, through
    the ``post_save`` handler in signals.py.
    """
    from wagtail.log_actions import log

    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(
        instance=user,
        action="people.account_enabled" if active else "people.account_disabled",
        user=actor,
    )


# --- Self-registration (SIGNUP_EMAIL_DOMAINS) ------------------------------------


def person_self_register(
    *, user: User, full_name: str, unit: AdministrativeUnit
) -> StaffProfile:
    """The profile of an account made at sign-up: in the unit the person
    chose, awaiting confirmation by an officer of that unit, with no role."""
    from wagtail.log_actions import log

    profile = StaffProfile.objects.create(
        user=user, full_name=full_name, unit=unit, awaiting_confirmation=True
    )
    log(instance=user, action="people.self_registered", data={"unit": unit.code})
    return profile


def awaiting_confirmation(actor: User):
    """The self-registered accounts ``actor`` may confirm: those of the units
    they see (an officer's subtree; everything for province admins)."""
    return (
        User.objects.visible_to(actor)
        .filter(is_active=True, profile__awaiting_confirmation=True)
        .exclude(pk=actor.pk)
        .select_related("profile__unit")
        .order_by("profile__sort_key")
    )


@transaction.atomic
def person_confirm(*, user: User, actor: User) -> None:
    """Confirm a self-registered account: it becomes a learner of its unit."""
    from wagtail.log_actions import log

    user = awaiting_confirmation(actor).get(pk=user.pk)
    StaffProfile.objects.filter(user=user).update(awaiting_confirmation=False)
    user_set_role(user=user, role=Role.LEARNER, actor=actor)
    log(instance=user, action="people.confirmed", user=actor)


@transaction.atomic
def person_refuse(*, user: User, actor: User) -> None:
    """Refuse a self-registered account: it is disabled (kept for the log)."""
    from wagtail.log_actions import log

    user = awaiting_confirmation(actor).get(pk=user.pk)
    user_set_active(user=user, active=False, actor=actor)
    log(instance=user, action="people.refused", user=actor)


# --- Personal data --------------------------------------------------------------


def consent_record(
    *, user: User, version: str = PRIVACY_NOTICE_VERSION
) -> PrivacyConsent:
    consent, _created = PrivacyConsent.objects.get_or_create(
        user=user, notice_version=version
    )
    return consent


def access_log_record(
    *,
    actor: User | None,
    action: AccessLog.Action | str,
    what: str,
    subject_user_id: int | None = None,
    path: str = "",
    ip: str | None = None,
) -> AccessLog:
    entry = AccessLog(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        what=what[:255],
        subject_user_id=subject_user_id,
        path=path[:500],
        ip=ip or None,
    )
    entry.save()
    return entry
