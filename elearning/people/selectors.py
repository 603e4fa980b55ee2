"""Reads about people that need more than one QuerySet method."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import (
    AccessLog,
    AdministrativeUnit,
    PrivacyConsent,
    StaffProfile,
    UnitSuccession,
    User,
)

# --- Personal data held here (registered in apps.py) ----------------------------


def account_records(user: User) -> list[dict[str, Any]]:
    return [
        {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "roles": ", ".join(sorted(user.groups.values_list("name", flat=True))),
        }
    ]


def profile_records(user: User) -> list[dict[str, Any]]:
    profile = (
        StaffProfile.objects.filter(user=user).select_related("unit", "agency").first()
    )
    if profile is None:
        return []
    return [
        {
            "full_name": profile.full_name,
            "date_of_birth": profile.date_of_birth,
            "position": profile.position,
            "category": profile.get_category_display() if profile.category else "",
            "phone": profile.phone,
            "unit": profile.unit.full_name if profile.unit_id else None,
            "agency": profile.agency.name if profile.agency_id else None,
        }
    ]


def consent_records(user: User) -> list[dict[str, Any]]:
    return [
        {
            "notice_version": c.notice_version,
            "notice_sha256": c.notice_sha256,
            "accepted_at": c.accepted_at,
            "ip": c.ip,
            "legal_bases": c.legal_bases,
        }
        for c in PrivacyConsent.objects.filter(user=user)
    ]


def access_log_records(user: User) -> list[dict[str, Any]]:
    """What the access log says about ``user``: who (name only; never the
    address another person used), when, what."""
    return [
        {
            "at": entry.at,
            "action": entry.get_action_display(),
            "actor": str(entry.actor) if entry.actor_id else "",
            "what": entry.what,
        }
        for entry in AccessLog.objects.filter(subject_user_id=user.pk).select_related(
            "actor__profile"
        )
    ]


def who_saw_my_data(user: User, *, limit: int = 100) -> list[AccessLog]:
    """Who else viewed or exported ``user``'s data, latest first: the
    person, when and what for (the line's ``what``). One query."""
    return list(
        AccessLog.objects.filter(
            subject_user_id=user.pk,
            action__in=[AccessLog.Action.VIEW, AccessLog.Action.EXPORT],
        )
        .exclude(actor_id=user.pk)
        .select_related("actor__profile")
        .order_by("-at")[:limit]
    )


# --- Units at a date ------------------------------------------------------------
# Codes are reused after reforms (26005 was Phường Tân Hòa until 30/06/2025
# and is Phường Hố Nai since 01/07/2025): a code names a unit only together
# with a day. New work (an account, a staff file's row, a move) goes to a unit
# in force on its day; a unit that has ended is refused with its successors.

UNIT_NOT_FOUND = gettext_noop(
    "Không có đơn vị hành chính mã «%(code)s» có hiệu lực ngày %(day)s."
)
UNIT_ENDED = gettext_noop(
    "Đơn vị %(unit)s (mã %(code)s) đã kết thúc ngày %(end)s; "
    "đơn vị kế thừa: %(successors)s."
)
UNIT_ENDED_NO_SUCCESSOR = gettext_noop(
    "Đơn vị %(unit)s (mã %(code)s) đã kết thúc ngày %(end)s; chưa có đơn vị kế thừa."
)


class UnitLookupError(ValueError):
    """A code names no unit usable on a day. ``msgid`` and ``params`` keep
    the reason untranslated (a staff import stores it and shows it later in
    the reader's language); ``str()`` is the text in the active language."""

    def __init__(self, msgid: str, **params):
        self.msgid = msgid
        self.params = params
        super().__init__(msgid)

    def __str__(self) -> str:
        return _(self.msgid) % self.params


class UnitNotFound(UnitLookupError):
    pass


class UnitEnded(UnitLookupError):
    """The code's unit ended before the day; ``unit`` and ``successors``
    (the units in force that day that took it over) say what to use."""

    def __init__(self, unit: AdministrativeUnit, successors: list[AdministrativeUnit]):
        self.unit = unit
        self.successors = successors
        params = {
            "unit": unit.full_name,
            "code": unit.code,
            "end": unit.valid_to.strftime("%d/%m/%Y"),
        }
        if successors:
            params["successors"] = ", ".join(
                f"{s.full_name} ({s.code})" for s in successors
            )
            super().__init__(UNIT_ENDED, **params)
        else:
            super().__init__(UNIT_ENDED_NO_SUCCESSOR, **params)


def parse_day(text: str) -> datetime.date:
    """A day written dd/mm/yyyy or YYYY-MM-DD; raises ValueError."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("«%(value)s» không phải ngày (dd/mm/yyyy hoặc YYYY-MM-DD).") % {"value": text}
    )


def successors_in_force(
    unit: AdministrativeUnit, day: datetime.date
) -> list[AdministrativeUnit]:
    """The units in force on ``day`` that took ``unit`` over, by code.

    Successions are followed through units that have ended in turn (a
    commune of 2025 upgraded to a ward later), so the answer is what new
    work may use on ``day``.
    """
    found: dict[int, AdministrativeUnit] = {}
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        successions = UnitSuccession.objects.filter(
            predecessor_id__in=frontier
        ).select_related("successor")
        frontier = []
        for succession in successions:
            successor = succession.successor
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if _in_force(successor, day):
                found[successor.pk] = successor
            elif successor.valid_from <= day:
                frontier.append(successor.pk)
    return sorted(found.values(), key=lambda u: (u.code, u.valid_from))


def former_districts(
    units: Iterable[AdministrativeUnit],
) -> dict[int, list[AdministrativeUnit]]:
    """For each unit (by id), the districts its predecessor communes were
    under, once per predecessor commune, in code order: a commune of 2025
    formed from two communes of Xuân Lộc and one of Cẩm Mỹ gives [Cẩm Mỹ,
    Xuân Lộc, Xuân Lộc]. Empty for a unit whose predecessors are not in the
    database (the communes of the former Bình Phước). One query."""
    ids = [unit.pk for unit in units]
    found: dict[int, list[AdministrativeUnit]] = {pk: [] for pk in ids}
    successions = UnitSuccession.objects.filter(
        successor_id__in=ids,
        predecessor__level=AdministrativeUnit.Level.COMMUNE,
        predecessor__parent__level=AdministrativeUnit.Level.DISTRICT,
    ).select_related("predecessor__parent")
    for succession in successions:
        found[succession.successor_id].append(succession.predecessor.parent)
    for districts in found.values():
        districts.sort(key=lambda unit: (unit.code, unit.valid_from))
    return found


def _in_force(unit: AdministrativeUnit, day: datetime.date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def units_on(
    codes: Iterable[str], day: datetime.date | None = None
) -> dict[str, AdministrativeUnit | UnitLookupError]:
    """Each code's unit in force on ``day`` (today by default), or why there
    is none (:class:`UnitNotFound`, :class:`UnitEnded` naming successors).

    One query for the units, one per ended unit for its successors.
    """
    day = day or timezone.localdate()
    codes = {str(code).strip() for code in codes} - {""}
    by_code: dict[str, list[AdministrativeUnit]] = {}
    for unit in AdministrativeUnit.objects.filter(code__in=codes).order_by(
        "code", "valid_from"
    ):
        by_code.setdefault(unit.code, []).append(unit)
    result: dict[str, AdministrativeUnit | UnitLookupError] = {}
    for code in codes:
        units = by_code.get(code, [])
        current = next((u for u in units if _in_force(u, day)), None)
        ended = [u for u in units if u.valid_to is not None and u.valid_to < day]
        if current is not None:
            result[code] = current
        elif ended:
            last = ended[-1]
            result[code] = UnitEnded(last, successors_in_force(last, day))
        else:
            result[code] = UnitNotFound(
                UNIT_NOT_FOUND, code=code, day=day.strftime("%d/%m/%Y")
            )
    return result


def unit_on(code: str, day: datetime.date | None = None) -> AdministrativeUnit:
    """The unit with ``code`` in force on ``day`` (today by default).

    Raises :class:`UnitEnded` (naming its end and successors) when the code's
    unit had ended by then, :class:`UnitNotFound` when no unit had the code.
    """
    day = day or timezone.localdate()
    code = str(code).strip()
    found = units_on([code], day).get(code) or UnitNotFound(
        UNIT_NOT_FOUND, code=code, day=day.strftime("%d/%m/%Y")
    )
    if isinstance(found, UnitLookupError):
        raise found
    return found


def unit_check_in_force(
    unit: AdministrativeUnit, day: datetime.date | None = None
) -> AdministrativeUnit:
    """``unit`` itself if it is in force on ``day``; else UnitEnded (or
    UnitNotFound for a unit that starts later)."""
    day = day or timezone.localdate()
    if _in_force(unit, day):
        return unit
    if unit.valid_to is not None and unit.valid_to < day:
        raise UnitEnded(unit, successors_in_force(unit, day))
    raise UnitNotFound(UNIT_NOT_FOUND, code=unit.code, day=day.strftime("%d/%m/%Y"))


def unit_id_now(user) -> int | None:
    """The id of the unit ``user`` belongs to now (their staff profile's),
    or ``None``. Learning records keep it as the unit they were made under.
    Reads the profile already loaded with ``user`` when there is one."""
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.unit_id if profile is not None else None


# --- Accounts by address (the staff import) --------------------------------------


def _holds_staff_role():
    from django.db.models import Exists, OuterRef

    from .models import STAFF_ROLES

    return Exists(
        User.groups.through.objects.filter(
            user_id=OuterRef("pk"), group__name__in=[r.value for r in STAFF_ROLES]
        )
    )


def users_by_email(emails: Iterable[str], *, chunk: int = 1000) -> dict[str, User]:
    """The accounts of ``emails`` (lower case), keyed by address, with their
    profile and ``holds_staff_role`` (officer, trainer or admin) annotated;
    one query per ``chunk`` addresses."""
    wanted = sorted(set(emails))
    result: dict[str, User] = {}
    for start in range(0, len(wanted), chunk):
        for user in (
            # Addresses are stored lower case (User.save, the services).
            User.objects.filter(email__in=wanted[start : start + chunk])
            .select_related("profile")
            .annotate(holds_staff_role=_holds_staff_role())
        ):
            result[user.email.lower()] = user
    return result


def people_named(
    folded_names: Iterable[str], *, unit_ids: set[int], chunk: int = 1000
) -> list[User]:
    """The accounts of ``unit_ids`` whose folded name (``names.fold``, the
    profile's indexed ``search_key``) is one of ``folded_names``, with
    profile, agency and ``holds_staff_role``; by id, one query per
    ``chunk`` names. Callers compare the names more strictly themselves."""
    wanted = sorted(set(folded_names))
    found: list[User] = []
    for start in range(0, len(wanted), chunk):
        found += (
            User.objects.filter(
                profile__unit_id__in=unit_ids,
                profile__search_key__in=wanted[start : start + chunk],
            )
            .select_related("profile__agency")
            .annotate(holds_staff_role=_holds_staff_role())
            .order_by("pk")
        )
    return found
