import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.reports.metrics import Figure
from elearning.reports.models import ReportJob
from elearning.reports.yearly import (
    render_pdf,
    render_xlsx,
    yearly_report_build,
)
from tests.factories import make_person, reauthenticate

from .dataset import Status, at, enrol

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TZ = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _before_the_due_day(time_machine):
    """The 2026 report is made on 01/12/2026, before it is due: it carries
    the due day's date and its figures run to the day it is made."""
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ))


def pdf_text(content: bytes) -> str:
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )
    return " ".join(text.split())


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def xuan_loc_commune(units):
    """After 01/07/2025 Xuân Lộc's staff belong to a commune under the province."""
    commune = AdministrativeUnit.objects.create(
        code="26734",
        name="Xuân Lộc",
        full_name="Xã Xuân Lộc",
        level=AdministrativeUnit.Level.COMMUNE,
        kind=AdministrativeUnit.Kind.COMMUNE,
        parent=units["75"],
        valid_from=datetime.date(2025, 7, 1),
    )
    UnitSuccession.objects.create(
        predecessor=units["741"],
        successor=commune,
        kind=UnitSuccession.Kind.MERGE,
        effective_date=datetime.date(2025, 7, 1),
    )
    return commune


def test_province_report_groups_by_units_valid_on_5_december(dataset, xuan_loc_commune):
    report = yearly_report_build(year=2026)
    by_course, participants, results, certificates, attendance = report.tables
    by_place = results
    rows = {r.label: r.figures for r in by_place.rows}
    # Xuân Lộc's ended district is counted under its successor commune.
    assert rows["Xã Xuân Lộc"]["enrolled"] == Figure(6)
    assert rows["Xã Xuân Lộc"]["completion_rate"] == Figure(3, 6)
    assert rows["Thành phố Biên Hòa (hết hiệu lực từ 01/07/2025)"]["completed"] == (
        Figure(1)
    )
    assert not any(label.startswith("Huyện Xuân Lộc") for label in rows)
    assert by_place.total.figures["enrolled"] == Figure(11)
    assert [t.caption for t in report.tables] == [
        "Các khóa bồi dưỡng và lớp tập huấn đã tổ chức",
        "Số người tham gia theo đối tượng và địa bàn",
        "Kết quả học tập: tỷ lệ hoàn thành và tỷ lệ đạt bài kiểm tra",
        "Giấy chứng nhận đã cấp",
        "Chuyên cần tại các lớp tập huấn",
    ]
    assert [m.key for m in results.metrics] == [
        "enrolled",
        "in_progress",
        "completed",
        "completion_rate",
        "quiz_pass_rate",
    ]
    assert rows["Xã Xuân Lộc"]["quiz_pass_rate"] == Figure(2, 3)
    assert results.total.figures["quiz_pass_rate"] == Figure(3, 4)
    courses = {r.obj.pk: r.figures for r in by_course.rows}
    assert courses[dataset.course_a.pk]["classes_held"] == Figure(1)
    assert courses[dataset.course_a.pk]["certificates_issued"] == Figure(3)
    assert by_course.total.figures["classes_held"] == Figure(2)
    people = {r.label: r.figures for r in participants.rows}
    xl = people["Xã Xuân Lộc"]
    assert (
        xl["staff_count"],
        xl["category_can_bo"],
        xl["category_cong_chuc"],
        xl["category_vien_chuc"],
        xl["participants"],
    ) == (Figure(6), Figure(1), Figure(3), Figure(1), Figure(5))
    assert participants.total.figures["participants"] == Figure(10)
    assert participants.total.figures["category_cong_chuc"] == Figure(8)
    assert certificates.total.figures["certificates_issued"] == Figure(3)
    att = {r.label: r.figures for r in attendance.rows}["Xã Xuân Lộc"]
    assert att["attendance_rate"] == Figure(5, 9)
    assert att["classes_held"] == Figure(1)
    assert attendance.total.figures["attendance_rate"] == Figure(6, 11)
    assert report.narrative[2] == (
        "Đã tổ chức 2 khóa bồi dưỡng và 2 lớp tập huấn; số người tham gia: 10 "
        "(Cán bộ: 1; Công chức: 8; Viên chức: 1)."
    )
    assert report.narrative[3] == (
        "Tỷ lệ đạt bài kiểm tra: 75,0 %; tỷ lệ chuyên cần tại các lớp tập huấn: "
        "54,5 %; số giấy chứng nhận đã cấp: 3."
    )
    assert report.place_date == "Đồng Nai, ngày 05 tháng 12 năm 2026"
    # Made in 2026: the province's body of the day, kept in the admin.
    assert (report.superior, report.issuer, report.number) == (
        "UBND TỈNH ĐỒNG NAI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: …/BC-SKHCN",
    )


def test_report_for_2024_uses_the_eleven_districts(make_dataset):
    data = make_dataset(2)
    enrol(
        data.xuan_loc[0],
        data.course_b,
        created=at(2024, 3, 1),
        status=Status.COMPLETED,
        completed=at(2024, 9, 1),
    )
    report = yearly_report_build(year=2024)
    rows = [r for r in report.tables[2].rows if r.obj is not None]
    districts = [r for r in rows if r.obj.level == "district"]
    assert len(districts) == 11
    xl = next(r for r in districts if r.obj.code == "741")
    assert xl.label == "Huyện Xuân Lộc"
    assert xl.figures["completed"] == Figure(1)
    assert report.total.figures["completion_rate"] == Figure(1, 1)


def test_district_report_pdf_and_xlsx(dataset, units):
    report = yearly_report_build(year=2026, unit=units["741"])
    text = pdf_text(render_pdf(report))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND HUYỆN XUÂN LỘC" in text
    assert "Số: …/BC-VHTT" in text
    assert "Xuân Lộc, ngày 05 tháng 12 năm 2026" in text
    assert "Kết quả thực hiện Kế hoạch 83/KH-UBND năm 2026" in text
    assert (
        "Tổng số cán bộ, công chức, viên chức trên hệ thống: 6 người; số lượt ghi "
        "danh các khóa bồi dưỡng: 6; số lượt hoàn thành: 3, đạt tỷ lệ 50,0 %; số "
        "lượt đang học: 3."
    ) in text
    assert (
        "Đã tổ chức 2 khóa bồi dưỡng và 1 lớp tập huấn; số người tham gia: 5 (Cán "
        "bộ: 1; Công chức: 3; Viên chức: 1)."
    ) in text
    assert (
        "Tỷ lệ đạt bài kiểm tra: 66,7 %; tỷ lệ chuyên cần tại các lớp tập huấn: "
        "55,6 %; số giấy chứng nhận đã cấp: 2."
    ) in text
    for caption in (
        "1. Các khóa bồi dưỡng và lớp tập huấn đã tổ chức",
        "2. Số người tham gia theo đối tượng và địa bàn",
        "3. Kết quả học tập: tỷ lệ hoàn thành và tỷ lệ đạt bài kiểm tra",
        "4. Giấy chứng nhận đã cấp",
        "5. Chuyên cần tại các lớp tập huấn",
    ):
        assert caption in text
    # Course A: enrolled, completed, classes held, certificates issued.
    assert "An toàn thông tin cơ bản (ATTT-CB) 5 3 1 2" in text
    assert "Tổng cộng 6 3 1 2" in text
    # By agency: participants by category; results; certificates; attendance.
    agency = "Văn phòng HĐND và UBND Huyện Xuân Lộc"
    assert f"{agency} 6 1 3 1 0 0 5" in text
    assert f"{agency} 6 3 3 50,0 % 66,7 %" in text
    assert f"{agency} 3 2" in text
    assert f"{agency} 55,6 %" in text
    assert "Biên Hòa" not in text
    rows = xlsx_rows(render_xlsx(report))
    assert [r[0] for r in rows if r[0] and r[0].startswith("Số:")] == ["Số: …/BC-VHTT"]
    assert (
        "Tỷ lệ đạt bài kiểm tra: 66,7 %; tỷ lệ chuyên cần tại các lớp tập huấn: "
        "55,6 %; số giấy chứng nhận đã cấp: 2."
    ) in [r[0] for r in rows]
    course_a = next(r for r in rows if r[0] == "An toàn thông tin cơ bản (ATTT-CB)")
    assert course_a[1:5] == [5, 3, 1, 2]
    by_agency = [r for r in rows if r[0] == agency]
    assert [r[1:8] for r in by_agency[:1]] == [[6, 1, 3, 1, 0, 0, 5]]
    assert by_agency[1][1:6] == [6, 3, 3, 50, 66.7]
    assert by_agency[2][1:3] == [3, 2]
    assert by_agency[3][1:2] == [55.6]
    headers = [r[1] for r in rows if r[0] == "Cơ quan, đơn vị"]
    assert headers == [
        "Số cán bộ, công chức, viên chức",
        "Ghi danh",
        "Hoàn thành",
        "Tỷ lệ chuyên cần (%)",
    ]


def test_province_pdf_names_every_unit_with_its_figures(dataset, xuan_loc_commune):
    content = render_pdf(yearly_report_build(year=2026))
    # Kept for a person to look at, like the browser screenshots.
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "yearly_report_2026.pdf").write_bytes(content)
    text = pdf_text(content)
    assert "UBND TỈNH ĐỒNG NAI" in text
    assert "Đồng Nai, ngày 05 tháng 12 năm 2026" in text
    assert "Xã Xuân Lộc 6 3 3 50,0 % 66,7 %" in text
    assert "Tổng cộng 11 3 4 36,4 % 75,0 %" in text
    assert "Xã Xuân Lộc 6 1 3 1 0 0 5" in text
    assert "Tổng cộng 12 1 8 1 0 0 10" in text
    assert "Xã Xuân Lộc 3 2" in text
    assert "Tổng cộng 4 3" in text
    assert "Xã Xuân Lộc 1 55,6 %" in text
    assert "Tổng cộng 2 54,5 %" in text
    assert "số giấy chứng nhận đã cấp: 3." in text


def test_command_writes_both_formats(dataset, tmp_path):
    pdf = tmp_path / "bc.pdf"
    call_command(
        "yearly_report",
        "--year",
        "2026",
        "--unit",
        "741",
        "--format",
        "pdf",
        "-o",
        str(pdf),
    )
    assert "Xuân Lộc, ngày 05 tháng 12 năm 2026" in pdf_text(pdf.read_bytes())
    xlsx = tmp_path / "bc.xlsx"
    call_command("yearly_report", "--year", "2026", "--format", "xlsx", "-o", str(xlsx))
    rows = xlsx_rows(xlsx.read_bytes())
    total = [r for r in rows if r[0] == "Tổng cộng"]
    # Courses; participants; results; certificates; attendance.
    assert total[0][1:5] == [11, 4, 2, 3]
    assert total[1][1:8] == [12, 1, 8, 1, 0, 0, 10]
    assert total[2][1:6] == [11, 3, 4, 36.4, 75]
    assert total[3][1:3] == [4, 3]
    assert total[4][1:3] == [2, 54.5]


def test_build_query_count_is_independent_of_learners(make_dataset, units):
    data = make_dataset(2)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            yearly_report_build(year=2026)
            yearly_report_build(year=2026, unit=units["741"])
        return len(ctx.captured_queries)

    small = count()
    for i in range(8):
        person = make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Thêm {i}",
            email=f"t{i}@xl.example.gov.vn",
        )
        enrol(person, data.course_a, created=at(2026, 3, 1))
    # Both reports: units and successions, one query per metric and grouping
    # (the attendance rate two, the quiz pass rate per course three), the
    # participants by category, the names of courses and agencies.
    assert count() == small <= 72


def test_web_job_makes_the_report(
    client, dataset, officer, other_officer, units, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    reauthenticate(client)
    url = reverse("reports:yearly")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"year": 2026, "unit": units["741"].pk, "format": "pdf"}
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    status = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    download = client.get(status["download"])
    assert download.status_code == 200
    # A name the officer can tell apart in a folder of downloads.
    assert download["Content-Disposition"] == (
        'attachment; filename="bao-cao-nam-2026-huyen-xuan-loc.pdf"'
    )
    content = b"".join(download.streaming_content)
    assert "Xuân Lộc, ngày 05 tháng 12 năm 2026" in pdf_text(content)
    page = client.get(reverse("reports:job", args=[job.pk]))
    assert b"reports-job.js" in page.content
    # Someone else's job is not there for them.
    client.force_login(other_officer)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_officer_cannot_ask_for_another_district_or_the_province(
    client, dataset, officer, units
):
    client.force_login(officer)
    url = reverse("reports:yearly")
    other = client.post(url, {"year": 2026, "unit": units["731"].pk, "format": "xlsx"})
    assert other.status_code == 404
    province = client.post(url, {"year": 2026, "unit": "", "format": "xlsx"})
    assert province.status_code == 200
    assert not ReportJob.objects.exists()


def test_a_class_serving_no_unit_keeps_its_row_so_the_rows_add_up(dataset, units):
    """A class serving no unit is counted under "Không xác định đơn vị"
    (docs/reports.md): the yearly report kept it in the total but dropped
    the row, so the attendance table did not add up."""
    from courses.attendance.models import ClassMembership, ClassSession, TrainingClass

    from .dataset import session

    everywhere = TrainingClass.objects.create(
        course=dataset.course_b,
        code="ATTT-TINH-2026",
        name="Lớp toàn tỉnh",
        unit=None,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 10, 31),
    )
    ClassMembership.objects.create(
        training_class=everywhere, learner=dataset.bien_hoa[1]
    )
    session(everywhere, 2026, 10, 5)
    assert ClassSession.objects.filter(training_class=everywhere).count() == 1
    report = yearly_report_build(year=2026)
    attendance = report.tables[4]
    rows = {r.label: r.figures for r in attendance.rows}
    assert rows["Không xác định đơn vị"]["classes_held"] == Figure(1)
    assert attendance.total.figures["classes_held"] == Figure(3)
    assert sum(f["classes_held"].value for f in rows.values()) == 3
    # Tables where the row holds nothing leave it out.
    assert "Không xác định đơn vị" not in [r.label for r in report.tables[2].rows]
    assert "Không xác định đơn vị" not in [r.label for r in report.tables[1].rows]


def test_district_report_counts_people_with_no_agency(dataset, units, learner):
    """People with no agency were in the narrative but not in the tables'
    total (added up from the agency rows only): they now have a row of
    their own and the total is the district's."""
    from elearning.people.models import StaffProfile

    StaffProfile.objects.filter(user=learner).update(agency=None)
    report = yearly_report_build(year=2026, unit=units["741"])
    participants, results = report.tables[1], report.tables[2]
    rows = {r.label: r.figures for r in results.rows}
    unknown = rows["Không xác định cơ quan, đơn vị"]
    assert unknown["enrolled"] == Figure(2)
    assert unknown["completed"] == Figure(1)
    assert results.total.figures["enrolled"] == report.total.figures["enrolled"]
    assert results.total.figures["enrolled"] == Figure(6)
    people = {r.label: r.figures for r in participants.rows}
    assert people["Không xác định cơ quan, đơn vị"]["participants"] == Figure(1)
    assert participants.total.figures["staff_count"] == Figure(6)
    assert participants.total.figures["participants"] == Figure(5)


def test_officer_of_a_ward_after_the_reform_can_ask_for_their_report(
    client, xuan_loc_commune, province_admin
):
    """After 01/07/2025 the units under the province are communes and
    wards: the form offered districts only, so such an officer could not
    ask for their own report and an admin could not choose their unit."""
    ward_officer = make_person(
        role="officer",
        unit=xuan_loc_commune,
        full_name="Phan Văn Xã",
        email="xa.pv@xuanloc.example.gov.vn",
    )
    client.force_login(ward_officer)
    url = reverse("reports:yearly")
    response = client.post(
        url, {"year": 2026, "unit": xuan_loc_commune.pk, "format": "xlsx"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.unit == xuan_loc_commune
    client.force_login(province_admin)
    dashboard = client.get(
        reverse("reports:dashboard"), {"year": 2026, "unit": xuan_loc_commune.pk}
    )
    assert dashboard.status_code == 200
    assert dashboard.context["unit"] == xuan_loc_commune


def test_report_made_before_the_due_day_is_dated_on_it(dataset):
    report = yearly_report_build(year=2026)
    assert report.place_date == "Đồng Nai, ngày 05 tháng 12 năm 2026"
    assert "(số liệu tính đến ngày 01/12/2026)" in report.narrative[0]


def test_report_of_a_year_made_in_january_of_the_next(
    client, make_dataset, officer, units, time_machine
):
    data = make_dataset(2)
    time_machine.move_to(datetime.datetime(2027, 1, 12, 9, 0, tzinfo=TZ))
    before = yearly_report_build(year=2026, unit=units["741"])
    person = make_person(
        role="learner",
        unit=units["741"],
        full_name="Đỗ Văn Tân",
        email="tan.dv@xuanloc.example.gov.vn",
    )
    # Completed on 31/12/2026 23:30 and 01/01/2027 00:30, Vietnam time.
    for course, moment in (
        (data.course_b, datetime.datetime(2026, 12, 31, 23, 30, tzinfo=TZ)),
        (data.course_a, datetime.datetime(2027, 1, 1, 0, 30, tzinfo=TZ)),
    ):
        enrol(
            person,
            course,
            created=moment - datetime.timedelta(days=3),
            status=Status.COMPLETED,
            completed=moment,
        )
    report = yearly_report_build(year=2026, unit=units["741"])
    # The whole of 2026 and nothing of 2027: the completion of 31 December
    # counts, the one of 1 January does not.
    completed = report.total.figures["completed"].value
    assert completed == before.total.figures["completed"].value + 1
    assert "(số liệu tính đến ngày 31/12/2026)" in report.narrative[0]
    # Made late, it carries the day it was made, not an earlier one.
    assert report.place_date == "Xuân Lộc, ngày 12 tháng 01 năm 2027"
    # The form offers the year just ended first.
    client.force_login(officer)
    reauthenticate(client)
    page = client.get(reverse("reports:yearly")).content.decode()
    assert '<option value="2026" selected>2026</option>' in page


def test_report_file_names_read_as_the_place(units):
    from elearning.reports.yearly import report_filename

    assert report_filename(2026, units["741"]) == "bao-cao-nam-2026-huyen-xuan-loc"
    assert report_filename(2026, None, units["75"]) == "bao-cao-nam-2026-tinh-dong-nai"
    assert report_filename(2026, units["731"]) == "bao-cao-nam-2026-thanh-pho-bien-hoa"


def test_a_communes_report_is_headed_by_its_office(dataset, xuan_loc_commune):
    report = yearly_report_build(year=2026, unit=xuan_loc_commune)
    assert (report.superior, report.issuer, report.number) == (
        "UBND XÃ XUÂN LỘC",
        "PHÒNG VĂN HÓA - XÃ HỘI",
        "Số: …/BC-VHXH",
    )
    assert "trên địa bàn xã Xuân Lộc (số liệu" in report.narrative[0]
