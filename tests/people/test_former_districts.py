"""Which 2018 districts a unit of 2025 came from (for records of before)."""

from __future__ import annotations

import datetime

import pytest

from elearning.people.selectors import former_districts

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)


def test_a_commune_of_2025_names_its_predecessor_communes_districts(units_2025):
    tam_phuoc = units_2025.on("26374", REFORM)  # unchanged, moved to the province
    binh_phuoc = units_2025.on("25195", REFORM)  # formed from Bình Phước's units
    found = former_districts([tam_phuoc, binh_phuoc])
    assert [unit.code for unit in found[tam_phuoc.pk]] == ["731"]
    assert found[binh_phuoc.pk] == []
    # Every commune of the 2018 province gives one district per predecessor
    # commune, and the communes of 2025 from it all have one.
    communes = [u for u in units_2025.values() if u.valid_from == REFORM]
    assert len(communes) == 95
    found = former_districts(communes)
    with_history = [pk for pk, districts in found.items() if districts]
    assert len(with_history) == 55
    assert sum(len(districts) for districts in found.values()) == 160
    assert {d.level for ds in found.values() for d in ds} == {"district"}
