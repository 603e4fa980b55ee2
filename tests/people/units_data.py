"""The units of 2018 and 2025 and their successions, for tests.

Reads the project's data files (``elearning/people/data/``); loading only
some successions keeps a test's setup small.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.people.services import units_load

APP_DATA = Path(__file__).resolve().parents[2] / "elearning" / "people" / "data"
UNIT_FILES = (
    "administrative_units_dong_nai_2018.csv",
    "administrative_units_dong_nai_communes_pre2025.csv",
    "administrative_units_dong_nai_2025.csv",
)
SUCCESSIONS = "unit_successions_dong_nai_2025.csv"


def data_file(name: str) -> Path:
    return APP_DATA / name


def load_units(files: tuple[str, ...] = UNIT_FILES) -> None:
    """Load the unit files, parents first."""
    for name in files:
        units_load(path=data_file(name))


def succession_rows(*predecessor_codes: str) -> list[dict[str, str]]:
    with data_file(SUCCESSIONS).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if predecessor_codes:
        rows = [r for r in rows if r["predecessor_code"] in predecessor_codes]
    return rows


def load_successions(*predecessor_codes: str) -> list[UnitSuccession]:
    """The successions of the file (of these predecessors only, if named)."""

    def unit(code: str, valid_from: str) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(
            code=code, valid_from=datetime.date.fromisoformat(valid_from)
        )

    made = []
    for row in succession_rows(*predecessor_codes):
        succession, _created = UnitSuccession.objects.get_or_create(
            predecessor=unit(row["predecessor_code"], row["predecessor_valid_from"]),
            successor=unit(row["successor_code"], row["successor_valid_from"]),
            defaults={
                "kind": row["kind"],
                "effective_date": datetime.date.fromisoformat(row["effective_date"]),
                "legal_basis": row["legal_basis"][:255],
            },
        )
        made.append(succession)
    return made


def unit(code: str, day: datetime.date) -> AdministrativeUnit:
    """The unit with ``code`` in force on ``day``, straight from the table."""
    return AdministrativeUnit.objects.valid_on(day).get(code=code)


BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)
