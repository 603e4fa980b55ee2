"""Moving people from units that have ended to the units that took them over.

Since 1 July 2025 the districts and their old communes have ended; their
people's staff records (``StaffProfile.unit``) still name them until a
province admin moves them (``manage.py migrate_units``, or the admin screen
*Chuyển người sang đơn vị mới*). For each person in an ended unit (or a unit
beneath it) :func:`moves_propose` proposes the successor in force on the
day of the move:

- the unit has one successor: that one;
- it has several and exactly one took it over whole (a merge, a rename):
  that one;
- otherwise (a district split into communes, an old commune split in parts
  such as Xã Xuân Tâm) the person is listed with the candidates and a
  province admin chooses.

Moves go through :func:`person_move_unit` / :func:`units_migrate`: one
transaction, each move in Wagtail's log (``people.unit_moved``). A person's
agency moves with them: the agency of the same name in the new unit
(``agency_get_or_create``), so the workplace they wrote stays theirs until
their officer corrects it; the old agency stays with the old unit. Learning
records (enrolments, attempts, certificates, attendance) are not changed:
they belong to the person, and officers see them through the person's unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from .models import AdministrativeUnit, StaffProfile, UnitSuccession, User
from .selectors import successors_in_force, unit_check_in_force
from .services import agency_get_or_create


@dataclass
class MoveProposal:
    profile: StaffProfile
    # None: several candidates, a province admin chooses.
    to: AdministrativeUnit | None
    candidates: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def unit(self) -> AdministrativeUnit:
        return self.profile.unit

    @property
    def ambiguous(self) -> bool:
        return self.to is None


def _is_partial(succession: UnitSuccession) -> bool:
    """The successor took only part of the unit (the successions file's
    ``partial``)."""
    return succession.partial


def successor_proposed(
    unit: AdministrativeUnit, day: datetime.date
) -> tuple[AdministrativeUnit | None, list[AdministrativeUnit]]:
    """(The successor to move ``unit``'s people to, or None; the candidates.)"""
    candidates = successors_in_force(unit, day)
    if len(candidates) == 1:
        return candidates[0], candidates
    whole = []
    for succession in UnitSuccession.objects.filter(predecessor=unit).select_related(
        "successor"
    ):
        if _is_partial(succession):
            continue
        successor = succession.successor
        reached = (
            [successor]
            if successor in candidates
            else successors_in_force(successor, day)
        )
        whole.extend(reached)
    if len(set(whole)) == 1:
        return whole[0], candidates
    return None, candidates


def ended_units_with_people(day: datetime.date | None = None):
    """Units ended by ``day`` whose staff records still name them, with how
    many people each has (``people``)."""
    day = day or timezone.localdate()
    return (
        AdministrativeUnit.objects.filter(valid_to__lt=day, staff__isnull=False)
        .annotate(people=Count("staff"))
        .order_by("code", "valid_from")
    )


def moves_propose(
    *,
    unit: AdministrativeUnit,
    day: datetime.date | None = None,
    viewer: User | None = None,
) -> list[MoveProposal]:
    """A proposal for everyone whose unit is ``unit`` or beneath it and has
    ended by ``day`` (today by default); only the people ``viewer`` may see
    when given (a screen's user). Reads only; changes nothing."""
    day = day or timezone.localdate()
    people = (
        StaffProfile.objects.visible_to(viewer)
        if viewer is not None
        else StaffProfile.objects.all()
    )
    profiles = (
        people.filter(unit_id__in=unit.subtree_ids(), unit__valid_to__lt=day)
        .select_related("user", "unit", "agency")
        .order_by("unit__code", "sort_key", "pk")
    )
    answers: dict[int, tuple] = {}
    proposals = []
    for profile in profiles:
        if profile.unit_id not in answers:
            answers[profile.unit_id] = successor_proposed(profile.unit, day)
        to, candidates = answers[profile.unit_id]
        proposals.append(MoveProposal(profile, to, candidates))
    return proposals


@transaction.atomic
def person_move_unit(
    *,
    profile: StaffProfile,
    to: AdministrativeUnit,
    actor: User | None = None,
    day: datetime.date | None = None,
) -> StaffProfile:
    """Move one person's staff record to ``to``, a unit in force on ``day``.

    Their agency becomes the agency of the same name in ``to`` (created if
    there is none); learning records are not touched. Written to Wagtail's
    log as ``people.unit_moved`` with both units. Raises
    ``selectors.UnitLookupError`` if ``to`` is not in force on ``day``.
    """
    from wagtail.log_actions import log

    unit_check_in_force(to, day)
    old_unit, old_agency = profile.unit, profile.agency
    agency = None
    if old_agency is not None:
        agency, _created = agency_get_or_create(unit=to, name=old_agency.name)
    profile.agency = agency
    profile.unit = to
    profile.save()
    log(
        instance=profile,
        action="people.unit_moved",
        user=actor,
        data={
            "from": _unit_data(old_unit),
            "to": _unit_data(to),
            "agency_from": old_agency.name if old_agency else "",
            "agency_to": agency.name if agency else "",
        },
    )
    return profile


def _unit_data(unit: AdministrativeUnit | None) -> dict:
    if unit is None:
        return {}
    return {
        "id": unit.pk,
        "code": unit.code,
        "valid_from": unit.valid_from.isoformat(),
        "name": unit.full_name,
    }


@transaction.atomic
def units_migrate(
    *,
    moves: list[tuple[StaffProfile, AdministrativeUnit]],
    actor: User | None = None,
    day: datetime.date | None = None,
) -> int:
    """Make every (person, unit) move in one transaction; returns how many.

    One refused move (a unit not in force on ``day``) moves nobody.
    """
    for profile, to in moves:
        person_move_unit(profile=profile, to=to, actor=actor, day=day)
    return len(moves)
