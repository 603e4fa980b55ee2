import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elearning.people.models import Agency, StaffProfile
from elearning.spreadsheets import safe_cell
from tests.factories import reauthenticate
from tests.spreadsheet_cells import AT_SUM, PLUS, assert_inert, cells

from .helpers import soup

pytestmark = pytest.mark.django_db
LEARNERS = reverse("reports:learners")


def names(response):
    return [
        tr.find("td").get_text(strip=True)
        for tr in soup(response).select("tbody tr[data-person]")
    ]


def test_drilldown_lists_the_people_behind_a_number(client, dataset, officer):
    client.force_login(officer)
    response = client.get(
        LEARNERS,
        {"year": 2026, "metric": "completed", "course": dataset.course_a.pk},
    )
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(
        ["Nguyễn Văn An", "Đỗ Văn Xuân 0", "Đỗ Văn Xuân 2"]
    )
    everyone = client.get(LEARNERS, {"year": 2026, "metric": "staff_count"})
    assert len(names(everyone)) == 6
    assert "Trần Thị Bình" not in everyone.content.decode()


def test_dashboard_cells_link_to_their_drilldown(client, dataset, officer):
    client.force_login(officer)
    page = soup(client.get(reverse("reports:dashboard"), {"year": 2026}))
    link = page.select_one('table[data-table="course"] td[data-metric="completed"] a')
    response = client.get(link["href"])
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(
        ["Nguyễn Văn An", "Đỗ Văn Xuân 0", "Đỗ Văn Xuân 2"]
    )


def test_drilldown_never_crosses_districts(client, dataset, officer, units):
    client.force_login(officer)
    bien_hoa_agency = Agency.objects.get(unit=units["731"])
    assert (
        client.get(
            LEARNERS,
            {"year": 2026, "metric": "enrolled", "agency": bien_hoa_agency.pk},
        ).status_code
        == 404
    )
    assert (
        client.get(
            LEARNERS, {"year": 2026, "metric": "enrolled", "unit": units["731"].pk}
        ).status_code
        == 404
    )
    # A course id alone cannot widen the scope.
    response = client.get(
        LEARNERS, {"year": 2026, "metric": "enrolled", "course": dataset.course_b.pk}
    )
    assert names(response) == ["Nguyễn Văn An"]
    assert client.get(LEARNERS, {"metric": "nope"}).status_code == 404


def test_safe_text_neutralises_formulas():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+1") == "'+1"
    assert safe_cell("-1") == "'-1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Phòng Tư pháp") == "Phòng Tư pháp"


@pytest.fixture
def hostile_agency(dataset, units):
    agency = Agency.objects.create(name="=cmd|'/c calc'!A1", unit=units["741"])
    StaffProfile.objects.filter(user=dataset.xuan_loc[2]).update(agency=agency)
    return agency


def test_csv_export(client, dataset, officer, hostile_agency):
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(
        reverse("reports:export", args=["agency", "csv"]), {"year": 2026}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == [
        "Cơ quan, đơn vị",
        "Số cán bộ, công chức, viên chức",
        "Ghi danh",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["'=cmd|'/c calc'!A1"][1] == "1"
    assert by_name["Văn phòng HĐND và UBND Huyện Xuân Lộc"][1:6] == [
        "5",
        "5",
        "3",
        "2",
        "40,0",
    ]
    assert not any("Biên Hòa" in r[0] for r in rows)


def test_xlsx_export(client, dataset, officer, hostile_agency):
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(
        reverse("reports:export", args=["course", "xlsx"]), {"year": 2026}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    row_a = next(r for r in values if r[0] == "An toàn thông tin cơ bản (ATTT-CB)")
    assert row_a[:5] == ["An toàn thông tin cơ bản (ATTT-CB)", 5, 2, 3, 60]
    assert values[3][1] == "Ghi danh"
    assert sheet.title == "Báo cáo"
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-khoa-hoc-20260101-20261231.xlsx"'
    )
    agencies = client.get(
        reverse("reports:export", args=["agency", "xlsx"]), {"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(agencies.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    hostile = next(c for c in cells if c.value and "cmd" in str(c.value))
    assert hostile.value == "'=cmd|'/c calc'!A1"
    assert hostile.data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


def test_exports_stay_in_scope(client, dataset, officer, units):
    client.force_login(officer)
    reauthenticate(client)
    url = reverse("reports:export", args=["course", "csv"])
    assert client.get(url, {"unit": units["731"].pk}).status_code == 404
    district = reverse("reports:export", args=["district", "xlsx"])
    assert client.get(district).status_code == 404


# --- The figures of the quizzes, attendance and certificates apps -----------


@pytest.mark.parametrize(
    ("metric", "course", "expected"),
    [
        # Passed the graded quiz (x1 failed; x2's attempt is still open).
        ("quiz_pass_rate", None, ["Nguyễn Văn An", "Đỗ Văn Xuân 0"]),
        # Attended at least one session held in the period.
        ("attendance_rate", None, ["Nguyễn Văn An", "Đỗ Văn Xuân 0", "Đỗ Văn Xuân 1"]),
        ("attendance_rate", "b", []),
        # Valid certificates only: x2's was revoked; the officer's is 2025's.
        ("certificates_issued", "a", ["Nguyễn Văn An", "Đỗ Văn Xuân 0"]),
        ("classes_held", "a", ["Nguyễn Văn An", "Đỗ Văn Xuân 0", "Đỗ Văn Xuân 1"]),
    ],
)
def test_drilldown_of_the_new_figures(
    client, dataset, officer, metric, course, expected
):
    client.force_login(officer)
    query = {"year": 2026, "metric": metric}
    if course:
        query["course"] = {"a": dataset.course_a, "b": dataset.course_b}[course].pk
    response = client.get(LEARNERS, query)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)
    assert "Trần Thị Bình" not in response.content.decode()


def test_new_figures_drilldown_stays_in_the_district(client, dataset, officer, units):
    client.force_login(officer)
    for metric in ("quiz_pass_rate", "attendance_rate", "certificates_issued"):
        other = {"year": 2026, "metric": metric, "unit": units["731"].pk}
        assert client.get(LEARNERS, other).status_code == 404
    # A course id alone never shows Biên Hòa's certificate holder.
    response = client.get(
        LEARNERS,
        {"year": 2026, "metric": "certificates_issued", "course": dataset.course_a.pk},
    )
    assert "Trần Thị Bình" not in response.content.decode()


def test_new_figures_in_csv_and_xlsx(client, dataset, officer, province_admin):
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(
        reverse("reports:export", args=["course", "csv"]), {"year": 2026}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][5:] == [
        "Tỷ lệ đạt bài kiểm tra (%)",
        "Lớp tập huấn đã tổ chức",
        "Tỷ lệ chuyên cần (%)",
        "Giấy chứng nhận đã cấp",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["An toàn thông tin cơ bản (ATTT-CB)"][5:] == [
        "66,7",
        "1",
        "55,6",
        "2",
    ]
    xlsx = client.get(
        reverse("reports:export", args=["agency", "xlsx"]), {"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if r[0] == "Cơ quan, đơn vị")
    agency = next(r for r in values if r[0] == "Văn phòng HĐND và UBND Huyện Xuân Lộc")
    row = dict(zip(header, agency, strict=True))
    assert row["Tỷ lệ đạt bài kiểm tra (%)"] == 66.7
    assert row["Tỷ lệ chuyên cần (%)"] == 55.6
    assert row["Giấy chứng nhận đã cấp"] == 2
    assert "Lớp tập huấn đã tổ chức" not in row

    client.force_login(province_admin)
    reauthenticate(client)
    district = client.get(
        reverse("reports:export", args=["district", "csv"]), {"year": 2026}
    )
    rows = list(csv.reader(io.StringIO(district.content.decode("utf-8-sig"))))
    header, total = rows[0], rows[-1]
    row = dict(zip(header, total, strict=True))
    assert row["Đơn vị hành chính"] == "Tổng cộng"
    assert row["Tỷ lệ đạt bài kiểm tra (%)"] == "75,0"
    assert row["Tỷ lệ chuyên cần (%)"] == "54,5"
    assert row["Giấy chứng nhận đã cấp"] == "3"
    assert row["Lớp tập huấn đã tổ chức"] == "2"
    trainers = client.get(
        reverse("reports:export", args=["trainer", "xlsx"]), {"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(trainers.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Võ Thị Giang", 2, 5, 3] in values
    client.force_login(officer)
    assert (
        client.get(
            reverse("reports:export", args=["trainer", "csv"]), {"year": 2026}
        ).status_code
        == 404
    )


# Each table as CSV and XLSX, with what hostile data it shows: an agency
# imported under a formula name, a course and a trainer named as formulas.
AGENCY_FORMULA = "=cmd|'/c calc'!A1"
EXPORTED = {
    "agency": (AGENCY_FORMULA,),
    "course": (PLUS,),
    "district": (),
    "month": (),
    "trainer": (AT_SUM,),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", sorted(EXPORTED))
def test_every_report_export_neutralises_formulas(
    client, dataset, province_admin, hostile_agency, table, fmt
):
    assert hostile_agency.name == AGENCY_FORMULA
    dataset.course_a.title = PLUS
    dataset.course_a.save()
    dataset.trainer.profile.full_name = AT_SUM
    dataset.trainer.profile.save()
    client.force_login(province_admin)
    reauthenticate(client)
    response = client.get(reverse("reports:export", args=[table, fmt]), {"year": 2026})
    assert response.status_code == 200
    values = cells(response)
    assert_inert(values, *EXPORTED[table])
    # Figures stay figures: numbers in XLSX, digits in CSV.
    if fmt == "xlsx":
        assert any(isinstance(v, int | float) and v > 0 for v in values)
    else:
        assert any(v.isdigit() and v != "0" for v in values)
