import datetime

import pytest
from django.core.management import CommandError, call_command

from elearning.people.models import AdministrativeUnit, StaffProfile, UnitSuccession
from elearning.people.services import unit_succeed
from tests.factories import make_person

pytestmark = pytest.mark.django_db

DISTRICTS = {
    "731": ("Thành phố Biên Hòa", "provincial_city"),
    "732": ("Thị xã Long Khánh", "town"),
    "734": ("Huyện Tân Phú", "rural_district"),
    "735": ("Huyện Vĩnh Cửu", "rural_district"),
    "736": ("Huyện Định Quán", "rural_district"),
    "737": ("Huyện Trảng Bom", "rural_district"),
    "738": ("Huyện Thống Nhất", "rural_district"),
    "739": ("Huyện Cẩm Mỹ", "rural_district"),
    "740": ("Huyện Long Thành", "rural_district"),
    "741": ("Huyện Xuân Lộc", "rural_district"),
    "742": ("Huyện Nhơn Trạch", "rural_district"),
}


def test_seed_has_the_twelve_units_of_2018(units):
    assert len(units) == 12
    province = units["75"]
    assert (province.full_name, province.level, province.kind) == (
        "Tỉnh Đồng Nai",
        "province",
        "province",
    )
    assert province.parent is None
    for code, (full_name, kind) in DISTRICTS.items():
        unit = units[code]
        assert (unit.full_name, unit.kind, unit.level) == (full_name, kind, "district")
        assert unit.parent == province
        assert unit.valid_to == datetime.date(2025, 6, 30)


def test_load_units_command_is_idempotent(capsys):
    call_command(
        "load_units", "elearning/people/data/administrative_units_dong_nai_2018.csv"
    )
    call_command(
        "load_units", "elearning/people/data/administrative_units_dong_nai_2018.csv"
    )
    out = capsys.readouterr().out
    assert "tạo mới 12, cập nhật 0, không đổi 0" in out
    assert "tạo mới 0, cập nhật 0, không đổi 12" in out
    assert AdministrativeUnit.objects.count() == 12


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n1,x\n", "Dòng 1: tệp không phải danh sách đơn vị"),
        (
            "code,name,full_name,level,kind,parent_code,valid_from,valid_to\n"
            "99,X,Xã X,commune,commune,12345,2025-07-01,\n",
            "Dòng 2, cột parent_code: không có đơn vị mã 12345 có hiệu lực "
            "ngày 01/07/2025",
        ),
        (
            "code,name,full_name,level,kind,parent_code,valid_from,valid_to\n"
            "99,X,Xã X,hamlet,commune,,2025-07-01,\n",
            "Dòng 2, cột level: cấp «hamlet» không hợp lệ",
        ),
        (
            "code,name,full_name,level,kind,parent_code,valid_from,valid_to\n"
            "99,X,Xã X,commune,commune,,01/07/2025,\n",
            "Dòng 2, cột valid_from: «01/07/2025» không phải ngày",
        ),
    ],
    ids=["missing-columns", "unknown-parent", "bad-level", "bad-date"],
)
def test_load_units_reports_bad_files_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "units.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_units", str(path))
    assert not AdministrativeUnit.objects.exists()


def test_load_units_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không mở được tệp"):
        call_command("load_units", str(tmp_path / "none.csv"))


def test_post_2025_commune_under_the_province_keeps_history(units, tmp_path):
    """1 July 2025: districts are abolished; communes hang off the province."""
    learner = make_person(
        role="learner",
        unit=units["741"],
        full_name="Nguyễn Văn An",
        email="an@example.gov.vn",
        ready=False,
    )
    path = tmp_path / "2025.csv"
    path.write_text(
        "code,name,full_name,level,kind,parent_code,valid_from,valid_to,legal_basis\n"
        "26041,Xuân Lộc,Xã Xuân Lộc,commune,commune,75,2025-07-01,,"
        "Nghị quyết 1662/NQ-UBTVQH15\n",
        encoding="utf-8",
    )
    call_command("load_units", str(path))
    commune = AdministrativeUnit.objects.get(code="26041")
    assert commune.parent == units["75"]
    unit_succeed(
        predecessors=[units["741"]],
        successor=commune,
        kind=UnitSuccession.Kind.SPLIT,
        effective_date=datetime.date(2025, 7, 1),
    )
    assert UnitSuccession.objects.get().successor == commune
    old = AdministrativeUnit.objects.get(pk=units["741"].pk)
    assert old.valid_to == datetime.date(2025, 6, 30)
    # Nothing was deleted; the learner's record still points at the old unit.
    assert StaffProfile.objects.get(user=learner).unit == old
    current = set(AdministrativeUnit.objects.current().values_list("code", flat=True))
    assert current == {"75", "26041"}
    on_2020 = AdministrativeUnit.objects.valid_on(datetime.date(2020, 1, 1))
    assert on_2020.count() == 12


def test_code_can_be_reused_after_a_reform(units):
    """(code, valid_from) identifies a unit, not the code alone."""
    AdministrativeUnit.objects.create(
        code="741",
        name="Xuân Lộc",
        full_name="Xã Xuân Lộc (mã cũ tái sử dụng)",
        level="commune",
        kind="commune",
        parent=units["75"],
        valid_from=datetime.date(2025, 7, 1),
    )
    assert AdministrativeUnit.objects.filter(code="741").count() == 2


def test_officer_of_a_commune_sees_its_staff(units):
    commune = AdministrativeUnit.objects.create(
        code="26041",
        name="Xuân Lộc",
        full_name="Xã Xuân Lộc",
        level="commune",
        kind="commune",
        parent=units["75"],
        valid_from=datetime.date(2025, 7, 1),
    )
    officer = make_person(
        role="officer", unit=commune, full_name="Lê Đức", email="o@x.gov.vn"
    )
    learner = make_person(
        role="learner", unit=commune, full_name="Lê An", email="l@x.gov.vn"
    )
    elsewhere = make_person(
        role="learner", unit=units["741"], full_name="Lê Bình", email="b@x.gov.vn"
    )
    visible = set(
        StaffProfile.objects.visible_to(officer).values_list("user", flat=True)
    )
    assert visible == {officer.pk, learner.pk}
    assert elsewhere.pk not in visible
