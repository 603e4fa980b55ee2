"""Writes about people and units."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.db import transaction

from .models import AdministrativeUnit

UNITS_2018 = (
    Path(__file__).resolve().parent / "data" / "administrative_units_dong_nai_2018.csv"
)


@transaction.atomic
def units_load(*, path: Path = UNITS_2018) -> tuple[int, int]:
    """Create or update units from a CSV in the shape of the 2018 list.

    Idempotent: a unit is identified by (code, valid_from). Parents must come
    before their children in the file. Returns (created, updated).
    """
    created = updated = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            valid_from = datetime.date.fromisoformat(row["valid_from"])
            parent = None
            if row["parent_code"]:
                parent = (
                    AdministrativeUnit.objects.filter(
                        code=row["parent_code"], valid_from__lte=valid_from
                    )
                    .order_by("-valid_from")
                    .first()
                )
            _, was_created = AdministrativeUnit.objects.update_or_create(
                code=row["code"],
                valid_from=valid_from,
                defaults={
                    "name": row["name"],
                    "full_name": row["full_name"],
                    "level": row["level"],
                    "kind": row["kind"],
                    "parent": parent,
                    "valid_to": datetime.date.fromisoformat(row["valid_to"])
                    if row["valid_to"]
                    else None,
                    "note": row.get("note", ""),
                },
            )
            created += was_created
            updated += not was_created
    return created, updated
