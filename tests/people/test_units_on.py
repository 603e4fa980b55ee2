"""A unit code read on a day: reused codes, ended units and their successors."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from courses.imports import import_file, read_table, validate_rows
from elearning.people.models import StaffProfile, User
from elearning.people.selectors import (
    UnitEnded,
    UnitNotFound,
    parse_day,
    successors_in_force,
    unit_on,
)

from .units_data import AFTER, BEFORE, unit

pytestmark = pytest.mark.django_db

HEADER = "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"


def test_a_reused_code_resolves_by_date(units_2025):
    before = unit_on("26005", BEFORE)
    after = unit_on("26005", AFTER)
    assert before.full_name == "Phường Tân Hòa"
    assert before.valid_to == BEFORE
    assert after.full_name == "Phường Hố Nai"
    assert after.valid_from == AFTER
    assert unit_on("26005") == after  # today


def test_an_ended_unit_names_its_end_and_successors(units_2025):
    with pytest.raises(UnitEnded) as ended:
        unit_on("741")
    assert ended.value.unit.full_name == "Huyện Xuân Lộc"
    assert [u.code for u in ended.value.successors] == [
        "26359",
        "26425",
        "26428",
        "26434",
        "26446",
        "26458",
        "26461",
    ]
    assert str(ended.value) == (
        "Đơn vị Huyện Xuân Lộc (mã 741) đã kết thúc ngày 30/06/2025; "
        "đơn vị kế thừa: Xã Xuân Đông (26359), Xã Xuân Lộc (26425), "
        "Xã Xuân Bắc (26428), Xã Xuân Thành (26434), Xã Xuân Hòa (26446), "
        "Xã Xuân Phú (26458), Xã Xuân Định (26461)."
    )
    with translation.override("en"):
        assert "30/06/2025" in str(ended.value)
    # An old commune split in two (Xã Xuân Tâm) names both parts.
    with pytest.raises(UnitEnded) as split:
        unit_on("26449", AFTER)
    assert [u.full_name for u in split.value.successors] == [
        "Xã Xuân Đông",
        "Xã Xuân Hòa",
    ]


def test_unknown_code_and_a_day_before_the_unit(units_2025):
    with pytest.raises(UnitNotFound, match="mã «999»"):
        unit_on("999")
    # Phường Bình Phước (25195) did not exist yet on 30/06/2025 (its code
    # was a Bình Phước ward's, not in these units).
    with pytest.raises(UnitNotFound, match="30/06/2025"):
        unit_on("25195", BEFORE)
    assert unit_on("26425", BEFORE).full_name == "Thị trấn Gia Ray"


def test_successions_are_followed_to_the_unit_in_force(units_2025):
    from elearning.people.models import AdministrativeUnit, UnitSuccession

    commune = units_2025["26425"]
    upgrade_day = datetime.date(2026, 4, 30)
    ward = AdministrativeUnit.objects.create(
        code="26425",
        name="Xuân Lộc",
        full_name="Phường Xuân Lộc",
        level="commune",
        kind="ward",
        parent=units_2025["75"],
        valid_from=upgrade_day,
    )
    commune.valid_to = upgrade_day - datetime.timedelta(days=1)
    commune.save()
    UnitSuccession.objects.create(
        predecessor=commune, successor=ward, kind="upgrade", effective_date=upgrade_day
    )
    old_commune = unit("26455", BEFORE)  # merged into Xã Xuân Lộc
    assert old_commune.full_name == "Xã Xuân Hiệp"
    assert successors_in_force(old_commune, datetime.date(2026, 5, 1)) == [ward]
    assert successors_in_force(old_commune, AFTER) == [commune]


def test_parse_day_reads_both_spellings():
    assert parse_day("01/07/2025") == parse_day("2025-07-01") == AFTER
    with pytest.raises(ValueError, match="không phải ngày"):
        parse_day("2025/07/01")


def test_import_preview_refuses_an_ended_unit_per_row(units_2025, units):
    data = (
        HEADER
        + "Nguyễn Văn Một,mot@example.gov.vn,,,Phòng A,741,cong_chuc\n"
        + "Nguyễn Văn Hai,hai@example.gov.vn,,,Phòng A,26425,cong_chuc\n"
        + "Nguyễn Văn Ba,ba@example.gov.vn,,,Phòng A,26449,cong_chuc\n"
    ).encode()
    plan = validate_rows(read_table(data), scope=units_2025["75"])
    errors = {e.line: (e.column, e.message) for e in plan.errors}
    assert set(errors) == {2, 4}
    assert errors[2][0] == "ma_dvhc"
    assert errors[2][1].startswith("Đơn vị Huyện Xuân Lộc (mã 741) đã kết thúc")
    assert "Xã Xuân Lộc (26425)" in errors[2][1]
    assert "Xã Xuân Tâm (mã 26449)" in errors[4][1]
    assert "Xã Xuân Đông (26359), Xã Xuân Hòa (26446)" in errors[4][1]
    assert [row.unit.full_name for row in plan.rows] == ["Xã Xuân Lộc"]


def test_import_with_no_code_refuses_an_ended_scope(units_2025, units):
    data = (HEADER + "Nguyễn Văn Một,mot@example.gov.vn,,,Phòng A,,\n").encode()
    plan, result = import_file(data, filename="ds.csv", scope=units["741"], actor=None)
    assert result is None
    assert "Huyện Xuân Lộc (mã 741) đã kết thúc" in plan.errors[0].message
    assert not User.objects.exists()


def test_import_staff_on_a_past_day_accepts_the_units_of_that_day(
    units_2025, units, tmp_path, capsys
):
    path = tmp_path / "ds.csv"
    path.write_text(
        HEADER
        + "Nguyễn Văn Một,mot@example.gov.vn,,,UBND phường Tân Hòa,26005,\n"
        + "Nguyễn Văn Hai,hai@example.gov.vn,,,Phòng Nội vụ,741,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="chưa nhập gì"):
        call_command("import_staff", str(path), "--unit", "75")
    err = capsys.readouterr().err
    assert "Dòng 3, cột ma_dvhc: Đơn vị Huyện Xuân Lộc (mã 741) đã kết thúc" in err
    assert not User.objects.exists()
    with pytest.raises(CommandError, match="mã 741"):
        call_command("import_staff", str(path), "--unit", "741")

    call_command("import_staff", str(path), "--unit", "75", "--on", "30/06/2025")
    units_of = dict(StaffProfile.objects.values_list("user__email", "unit__full_name"))
    # 26005 on 30/06/2025 is Phường Tân Hòa, not the Phường Hố Nai of today.
    assert units_of == {
        "mot@example.gov.vn": "Phường Tân Hòa",
        "hai@example.gov.vn": "Huyện Xuân Lộc",
    }


def test_the_officers_upload_preview_names_the_successors(client, units_2025):
    import io

    from django.urls import reverse

    from courses.models import ImportJob
    from tests.factories import make_person

    officer = make_person(
        role="officer",
        unit=units_2025["26425"],
        full_name="Đỗ Thị Lan",
        email="lan.dt@xuanloc.example.gov.vn",
    )
    client.force_login(officer)
    data = io.BytesIO(
        (
            HEADER
            + "Nguyễn Văn Một,mot@example.gov.vn,,,Trạm Y tế,,\n"
            + "Nguyễn Văn Hai,hai@example.gov.vn,,,Trạm Y tế,741,\n"
        ).encode()
    )
    data.name = "danh-sach.csv"
    client.post(reverse("courses:import_upload"), {"file": data})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "ma_dvhc")]
    page = client.get(reverse("courses:import_job", args=[job.token])).content.decode()
    assert (
        "Đơn vị Huyện Xuân Lộc (mã 741) đã kết thúc ngày 30/06/2025; "
        "đơn vị kế thừa: Xã Xuân Đông (26359), Xã Xuân Lộc (26425)" in page
    )
    assert not User.objects.filter(email__endswith="@example.gov.vn").exists()
