"""30/04/2026: ten xã become phường and the province «Thành phố Đồng Nai».

Entered entirely through the services behind the admin's unit and
succession screens, as docs/people.md tells an admin to: communes first
(end the xã, add the phường, record the upgrades), then the province (end
the old row, add the new one, record the upgrade moving its communes).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.people.scoping import visible_unit_ids
from elearning.people.services import (
    unit_create,
    unit_files_load,
    unit_problems,
    unit_succeed,
    unit_update,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2026, 4, 29)
AFTER = datetime.date(2026, 4, 30)
LEGAL_BASIS = "Nghị quyết 237/NQ-UBTVQH16, có hiệu lực từ 30/4/2026"
UPGRADED = [
    "25270",
    "25357",
    "25363",
    "26116",
    "26170",
    "26248",
    "26326",
    "26368",
    "26425",
    "26485",
]


def communes_on(day):
    return AdministrativeUnit.objects.valid_on(day).filter(level="commune")


def apply_30_april_2026():
    get_on = AdministrativeUnit.objects.get_on
    for code in UPGRADED:
        xa = get_on(code, BEFORE)
        unit_update(unit=xa, valid_to=BEFORE)
        phuong = unit_create(
            code=code,
            name=xa.name,
            full_name=f"Phường {xa.name}",
            level="commune",
            kind="ward",
            parent=xa.parent,
            valid_from=AFTER,
            legal_basis=LEGAL_BASIS,
        )
        unit_succeed(
            predecessors=[xa],
            successor=phuong,
            kind="upgrade",
            effective_date=AFTER,
            legal_basis=LEGAL_BASIS,
        )
    province = get_on("75", BEFORE)
    unit_update(unit=province, valid_to=BEFORE)
    city = unit_create(
        code="75",
        name="Đồng Nai",
        full_name="Thành phố Đồng Nai",
        level="province",
        kind="municipality",
        parent=None,
        valid_from=AFTER,
        legal_basis="Nghị quyết 30/2026/QH16",
    )
    with pytest.raises(ValidationError, match="còn 95 đơn vị trực thuộc"):
        # Without moving its communes the province would leave them behind.
        unit_succeed(
            predecessors=[province],
            successor=city,
            kind="upgrade",
            effective_date=AFTER,
        )
    unit_succeed(
        predecessors=[province],
        successor=city,
        kind="upgrade",
        effective_date=AFTER,
        legal_basis="Nghị quyết 30/2026/QH16",
        move_children=True,
    )
    return province, city


def test_ten_xa_become_phuong_and_the_province_a_city(units_2025):
    officer = make_person(
        role="officer",
        unit=units_2025["26116"],
        full_name="Lê Hoàng Đức",
        email="duc@tanphu.example.gov.vn",
    )
    before = {
        "communes": communes_on(BEFORE).count(),
        "wards": communes_on(BEFORE).filter(kind="ward").count(),
    }

    province, city = apply_30_april_2026()

    get_on = AdministrativeUnit.objects.get_on
    # The unit valid on a date, before and after.
    assert get_on("26116", BEFORE).full_name == "Xã Tân Phú"
    assert get_on("26116", AFTER).full_name == "Phường Tân Phú"
    assert (get_on("26116", AFTER).kind, get_on("26116", BEFORE).kind) == (
        "ward",
        "commune",
    )
    assert get_on("75", BEFORE).full_name == "Tỉnh Đồng Nai"
    assert (get_on("75", AFTER).full_name, get_on("75", AFTER).kind) == (
        "Thành phố Đồng Nai",
        "municipality",
    )
    assert get_on("26005", AFTER).full_name == "Phường Hố Nai"
    # 95 commune-level units on either side: 23 → 33 phường, 72 → 62 xã.
    assert before == {"communes": 95, "wards": 23}
    assert communes_on(AFTER).count() == 95
    assert communes_on(AFTER).filter(kind="ward").count() == 33
    assert communes_on(AFTER).filter(kind="commune").count() == 62
    assert AdministrativeUnit.objects.valid_on(AFTER).filter(
        level="province"
    ).get() == (city)
    # The city holds every commune in force; the ten xã ended under the
    # province they ended in; the old communes stay under their districts.
    assert set(communes_on(AFTER).values_list("parent", flat=True)) == {city.pk}
    assert set(
        AdministrativeUnit.objects.filter(
            code__in=UPGRADED, valid_to=BEFORE
        ).values_list("parent", flat=True)
    ) == {province.pk}
    assert city.subtree_ids() >= set(communes_on(AFTER).values_list("pk", flat=True))
    upgrades = UnitSuccession.objects.filter(kind="upgrade", effective_date=AFTER)
    assert upgrades.count() == 11
    assert UnitSuccession.objects.count() == 225 + 11

    # Nothing of the model breaks: every unit still validates, no two units
    # of one code are in force together, and the xã's officer keeps the xã.
    for unit in AdministrativeUnit.objects.select_related("parent"):
        unit.full_clean()
        assert unit_problems(unit, check_parent=False) == []
    officer.profile.refresh_from_db()
    assert officer.profile.unit == get_on("26116", BEFORE)
    assert visible_unit_ids(officer) == {officer.profile.unit_id}

    # Loading the files again undoes none of it.
    results = unit_files_load()
    assert [counts.updated for _p, _k, counts in results] == [0, 0, 0, 0]
    assert get_on("75", AFTER) == city
    assert get_on("26116", BEFORE).valid_to == BEFORE
    assert set(communes_on(AFTER).values_list("parent", flat=True)) == {city.pk}
