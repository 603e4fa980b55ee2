"""The project's unit and succession files, and their loaders."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.people.services import (
    UNIT_FILES,
    UNITS_2018,
    UNITS_2025,
    UNITS_COMMUNES_PRE2025,
    UnitFileError,
    successions_load,
    unit_files_load,
)

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2025, 6, 30)
JULY_1 = datetime.date(2025, 7, 1)
HEADER = (
    "predecessor_code,predecessor_valid_from,successor_code,successor_valid_from,"
    "kind,effective_date,legal_basis,partial\n"
)


def unit_counts():
    units = AdministrativeUnit.objects
    return {
        "province": units.filter(level="province").count(),
        "district": units.filter(level="district").count(),
        "old communes": units.filter(level="commune", valid_to=JUNE_30).count(),
        "communes of 2025": units.filter(level="commune", valid_from=JULY_1).count(),
        "all": units.count(),
        "successions": UnitSuccession.objects.count(),
    }


def test_the_four_files_load_twice_without_duplicates(capsys):
    call_command("load_units")
    first = unit_counts()
    assert first == {
        "province": 1,
        "district": 11,
        "old communes": 159,
        "communes of 2025": 95,
        "all": 266,
        "successions": 225,
    }
    ids = set(AdministrativeUnit.objects.values_list("pk", flat=True))
    successions = set(UnitSuccession.objects.values_list("pk", flat=True))

    results = unit_files_load(UNIT_FILES)

    assert unit_counts() == first
    assert set(AdministrativeUnit.objects.values_list("pk", flat=True)) == ids
    assert set(UnitSuccession.objects.values_list("pk", flat=True)) == successions
    assert [(kind, counts.created, counts.updated) for _p, kind, counts in results] == [
        ("units", 0, 0),
        ("units", 0, 0),
        ("units", 0, 0),
        ("successions", 0, 0),
    ]
    out = capsys.readouterr().out
    assert "Kế thừa đơn vị (unit_successions_dong_nai_2025.csv): tạo mới 225" in out


def test_loaded_units_and_successions_are_the_reform(units_2025):
    province = units_2025["75"]
    # Every 2018 district ends with the district level, and each of its
    # communes ends with it.
    assert not AdministrativeUnit.objects.filter(level="district").exclude(
        valid_to=JUNE_30
    )
    current = AdministrativeUnit.objects.valid_on(JULY_1)
    assert current.filter(level="commune", parent=province).count() == 95
    assert current.filter(kind="ward").count() == 23
    # The names are those of the files, NFC with their diacritics.
    assert units_2025["26119"].full_name == "Xã Đak Lua"
    assert units_2025.on("26119", JUNE_30).full_name == "Xã Dak Lua"
    kinds = {
        kind: UnitSuccession.objects.filter(kind=kind).count()
        for kind in UnitSuccession.Kind.values
    }
    assert kinds == {
        "merge": 153,
        "split": 67,
        "rename": 0,
        "upgrade": 0,
        "reparent": 5,
    }
    reparented = UnitSuccession.objects.filter(kind="reparent").select_related(
        "predecessor", "successor"
    )
    assert sorted(s.successor.code for s in reparented) == [
        "26119",
        "26173",
        "26209",
        "26374",
        "26377",
    ]
    assert all(s.predecessor.code == s.successor.code for s in reparented)
    assert all(s.predecessor.parent.level == "district" for s in reparented)
    # Xã Xuân Tâm went partly to Xuân Đông and partly to Xuân Hòa.
    xuan_tam = UnitSuccession.objects.filter(predecessor__code="26449")
    assert sorted((s.successor.full_name, s.kind, s.partial) for s in xuan_tam) == [
        ("Xã Xuân Hòa", "split", True),
        ("Xã Xuân Đông", "split", True),
    ]


def test_a_reused_code_resolves_by_date(units_2025):
    """26005 was Phường Tân Hòa until 30/06/2025, Phường Hố Nai from 01/07."""
    get_on = AdministrativeUnit.objects.get_on
    old, new = get_on("26005", JUNE_30), get_on("26005", JULY_1)
    assert (old.full_name, old.parent.code) == ("Phường Tân Hòa", "731")
    assert (new.full_name, new.parent.code) == ("Phường Hố Nai", "75")
    assert units_2025.on("26005", JUNE_30) == old
    assert units_2025["26005"] == new  # the one in force today
    # Tân Hòa went into the new Hố Nai; the old Hố Nai (26002) into Long Bình.
    assert UnitSuccession.objects.get(predecessor=old).successor == new
    assert (
        UnitSuccession.objects.get(predecessor__code="26002").successor.full_name
        == "Phường Long Bình"
    )
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        get_on("26005", datetime.date(2004, 7, 7))


def test_a_bad_succession_file_writes_nothing_and_names_lines(tmp_path):
    unit_files_load([UNITS_2018, UNITS_COMMUNES_PRE2025, UNITS_2025])
    open_before = AdministrativeUnit.objects.filter(valid_to__isnull=True).count()
    path = tmp_path / "successions.csv"
    path.write_text(
        HEADER
        # A good row: Xã Xuân Tâm's part going to Xuân Đông.
        + "26449,2004-07-08,26359,2025-07-01,split,2025-07-01,NQ 1662,true\n"
        + "26449,2004-07-08,99999,2025-07-01,split,2025-07-01,NQ 1662,true\n"
        + "26002,2004-07-08,26020,2025-07-01,absorb,2025-07-01,,false\n"
        + "26002,2004-07-08,26020,2025-07-01,merge,01/07/2025,,false\n"
        + "26002,2004-07-08,26020,2025-07-01,merge,2025-07-01,,yes\n"
        + "26002,2025-07-01,26020,2025-07-01,merge,2025-07-01,,false\n",
        encoding="utf-8",
    )
    with pytest.raises(UnitFileError) as raised:
        successions_load(path=path)
    errors = raised.value.errors
    assert errors[0].startswith(
        "Dòng 3, cột successor_code: không có đơn vị mã «99999»"
    )
    assert errors[1].startswith("Dòng 4, cột kind: hình thức «absorb» không hợp lệ")
    assert errors[2].startswith("Dòng 5, cột effective_date: «01/07/2025» không phải")
    assert errors[3] == "Dòng 6, cột partial: «yes» phải là true hoặc false."
    assert errors[4].startswith("Dòng 7, cột predecessor_code: không có đơn vị mã")
    assert len(errors) == 5
    assert not UnitSuccession.objects.exists()
    assert AdministrativeUnit.objects.filter(valid_to__isnull=True).count() == (
        open_before
    )


def test_a_succession_cannot_leave_units_in_force_beneath_an_ended_one(tmp_path):
    unit_files_load([UNITS_2018, UNITS_2025])
    path = tmp_path / "successions.csv"
    # The province into one of its own communes: its 95 communes stay.
    path.write_text(
        HEADER + "75,2004-07-08,26005,2025-07-01,merge,2025-07-01,,false\n",
        encoding="utf-8",
    )
    with pytest.raises(UnitFileError, match="Dòng 2, cột predecessor_code: .*95"):
        successions_load(path=path)
    assert AdministrativeUnit.objects.get(code="75").valid_to is None


def test_the_command_writes_nothing_when_one_file_is_bad(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "731,2004-07-08,26005,2025-07-01,split,2025-07-01,,true\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="bad.csv: Dòng 2, cột successor_code"):
        call_command("load_units", str(UNITS_2018), str(bad))
    assert not AdministrativeUnit.objects.exists()


def test_a_unit_file_refuses_two_units_of_a_code_in_force_together(tmp_path):
    unit_files_load([UNITS_2018, UNITS_COMMUNES_PRE2025])
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,full_name,level,kind,parent_code,valid_from,valid_to\n"
        "26005,Hố Nai,Phường Hố Nai,commune,ward,75,2025-06-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(UnitFileError, match="Dòng 2, cột valid_from: mã 26005 đã dùng"):
        unit_files_load([path])
    assert AdministrativeUnit.objects.filter(code="26005").count() == 1


def test_the_unit_files_are_nfc_and_match_the_shared_counts():
    import csv
    import unicodedata

    for path, rows in ((UNITS_COMMUNES_PRE2025, 159), (UNITS_2025, 95)):
        with open(path, encoding="utf-8") as handle:
            found = list(csv.DictReader(handle))
        assert len(found) == rows
        assert all(unicodedata.is_normalized("NFC", r["full_name"]) for r in found)
