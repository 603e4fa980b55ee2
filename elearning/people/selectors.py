"""Reads about people that need more than one QuerySet method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import PrivacyConsent, User

# Other apps add the personal data they hold (enrolments, attempts,
# certificates...) with register_personal_data("enrolments", fn) in their
# AppConfig.ready(); fn(user) returns something JSON-serialisable.
_PERSONAL_DATA: dict[str, Callable[[User], Any]] = {}


def register_personal_data(key: str, fn: Callable[[User], Any]) -> None:
    _PERSONAL_DATA[key] = fn


def _date(value) -> str | None:
    return value.isoformat() if value else None


def personal_data_for(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, for the "my data" download."""
    profile = getattr(user, "profile", None)
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "date_joined": _date(user.date_joined),
            "last_login": _date(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "profile": None,
        "privacy_consents": [
            {"notice_version": c.notice_version, "accepted_at": _date(c.accepted_at)}
            for c in PrivacyConsent.objects.filter(user=user)
        ],
    }
    if profile is not None:
        data["profile"] = {
            "full_name": profile.full_name,
            "date_of_birth": _date(profile.date_of_birth),
            "position": profile.position,
            "category": profile.get_category_display() if profile.category else "",
            "phone": profile.phone,
            "unit": profile.unit.full_name if profile.unit_id else None,
            "agency": profile.agency.name if profile.agency_id else None,
        }
    for key, fn in _PERSONAL_DATA.items():
        data[key] = fn(user)
    return data


def unit_id_now(user) -> int | None:
    """The id of the unit ``user`` belongs to now (their staff profile's),
    or ``None``. Learning records keep it as the unit they were made under.
    Reads the profile already loaded with ``user`` when there is one."""
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.unit_id if profile is not None else None
