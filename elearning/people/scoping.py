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


def condition(user, *, unit_field: str, owner_field: str | None) -> Q | None:
    """What ``user`` may see, as a condition on ``unit_field``/``owner_field``
    (``None``: no restriction). :func:`restrict` applies it; a query that
    already joins the people (e.g. records grouped by their holder's unit)
    may apply it with paths relative to that join instead of a sub-query.
    """
    units = visible_unit_ids(user)
    if units is ALL:
        return None
    result = Q(**{f"{unit_field}__in": units}) if units else Q(pk__in=[])
    if (
        owner_field is not None
        and getattr(user, "is_authenticated", False)
        and not _owner_within(
            user, units, unit_field=unit_field, owner_field=owner_field
        )
    ):
        result |= Q(**{owner_field: user.pk})
    return result


def _owner_within(user, units, *, unit_field: str, owner_field: str) -> bool:
    """Whether the unit condition already reaches the user's own records:
    the record's unit is its owner's (``learner__profile__unit`` for the
    owner ``learner``) and the user's own unit is one they see. Then the
    "or their own" is left out, and the database can go from the units'
    people to their records (an officer's list of a commune of 150,000
    learners' province: 150 ms → a few ms)."""
    path = owner_field.removesuffix("pk").removesuffix("__")
    if unit_field != (f"{path}__profile__unit" if path else "profile__unit"):
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.unit_id in units


def people_condition(user):
    """What ``user`` may see of people (users), as a function of the path
    that reaches a user from the model queried (``""`` for users
    themselves, ``"learner__"`` for a record's learner): the people of the
    units ``user`` may see, and ``user`` themselves. ``None``: no
    restriction. ``User.objects.visible_to`` is this condition."""
    units = visible_unit_ids(user)
    if units is ALL:
        return None
    return lambda prefix="": condition(
        user, unit_field=f"{prefix}profile__unit", owner_field=f"{prefix}pk"
    )


def restrict(
    queryset: QuerySet, user, *, unit_field: str, owner_field: str | None
) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may see.

    ``unit_field`` is the lookup path from the model to its
    AdministrativeUnit (e.g. ``"learner__profile__unit"``); ``owner_field``
    the path to the user who owns the record, who always sees it.
    """
    where = condition(user, unit_field=unit_field, owner_field=owner_field)
    return queryset if where is None else queryset.filter(where)
