"""The one place that decides whose records a user may see.

Every queryset of people or their records is narrowed by ``restrict()``,
usually through a ``visible_to(user)`` QuerySet method on the model that
holds the records. Views never filter by unit by hand.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

ALL = None  # sentinel: no restriction


def visible_unit_ids(user) -> set[int] | None:
    """Units whose people ``user`` may see: ``None`` means all of them.

    A province admin sees everything; a unit officer sees their unit and
    every unit beneath it; anyone else sees no unit (only their own records).
    The answer is cached on the user object for the request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_visible_unit_ids", False)
    if cached is not False:
        return cached
    result: set[int] | None
    if user.is_province_admin:
        result = ALL
    elif user.is_unit_officer:
        profile = getattr(user, "profile", None)
        unit = profile.unit if profile is not None else None
        result = unit.subtree_ids() if unit is not None else set()
    else:
        result = set()
    user._visible_unit_ids = result
    return result


def restrict(
    queryset: QuerySet, user, *, unit_field: str, owner_field: str | None
) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may see.

    ``unit_field`` is the lookup path from the model to its
    AdministrativeUnit (e.g. ``"learner__profile__unit"``); ``owner_field``
    the path to the user who owns the record, who always sees it.
    """
    units = visible_unit_ids(user)
    if units is ALL:
        return queryset
    condition = Q(**{f"{unit_field}__in": units}) if units else Q(pk__in=[])
    if owner_field is not None and getattr(user, "is_authenticated", False):
        condition |= Q(**{owner_field: user.pk})
    return queryset.filter(condition)
