"""The units of the 1 July 2025 reform, for the reports' tests.

On top of the default 2018 list (the ``units`` fixture): the 159 old
communes under their districts (ended 30/06/2025), the 95 communes and wards
right under the province (from 01/07/2025) and the successions between them
that both ends of are loaded. Kept in one place so that it can use the units
loader of the people app once it reads all of them itself.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.people.services import UNITS_2018, units_load

REFORM_DAY = datetime.date(2025, 7, 1)
FILES = (
    "administrative_units_dong_nai_communes_pre2025.csv",
    "administrative_units_dong_nai_2025.csv",
)
SUCCESSIONS = "unit_successions_dong_nai_2025.csv"


def data_file(name: str) -> Path:
    """The file next to the 2018 list, else in the shared data folder."""
    for folder in (UNITS_2018.parent, Path("/work/shared/data")):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


@dataclass
class Reform:
    units: dict[tuple[str, datetime.date], AdministrativeUnit]

    def at(self, code: str, day: datetime.date) -> AdministrativeUnit:
        """The unit with ``code`` valid on ``day`` (codes are reused)."""
        return next(
            u
            for (c, _f), u in self.units.items()
            if c == code
            and u.valid_from <= day
            and (u.valid_to is None or u.valid_to >= day)
        )

    def old(self, code: str) -> AdministrativeUnit:
        return self.at(code, REFORM_DAY - datetime.timedelta(days=1))

    def new(self, code: str) -> AdministrativeUnit:
        return self.at(code, REFORM_DAY)


def load_reform() -> Reform:
    for name in FILES:
        units_load(path=data_file(name))
    units = {(u.code, u.valid_from): u for u in AdministrativeUnit.objects.all()}
    rows = []
    with open(data_file(SUCCESSIONS), encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            predecessor = units.get(
                (
                    row["predecessor_code"],
                    datetime.date.fromisoformat(row["predecessor_valid_from"]),
                )
            )
            successor = units.get(
                (
                    row["successor_code"],
                    datetime.date.fromisoformat(row["successor_valid_from"]),
                )
            )
            if predecessor is None or successor is None:
                continue  # a unit of the former Bình Phước province
            rows.append(
                UnitSuccession(
                    predecessor=predecessor,
                    successor=successor,
                    kind=row["kind"]
                    if row["kind"] in UnitSuccession.Kind.values
                    else UnitSuccession.Kind.MERGE,
                    effective_date=datetime.date.fromisoformat(row["effective_date"]),
                )
            )
    UnitSuccession.objects.bulk_create(rows, ignore_conflicts=True)
    return Reform(units)


def fill_units(*models) -> None:
    """Give every record of ``models`` its learner's unit now."""
    from django.db.models import OuterRef, Subquery

    from elearning.people.models import StaffProfile

    for model in models:
        model.objects.update(
            unit=Subquery(
                StaffProfile.objects.filter(user=OuterRef("learner")).values("unit")[:1]
            )
        )
