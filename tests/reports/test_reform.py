"""Reports across the reform of 1 July 2025: every record keeps the unit it
was made under; the yearly report groups by the units valid in its year,
the dashboards by each person's unit now.

Two people now in the new Xã Xuân Thành (26434) and one now in the new
Phường Hố Nai (26005, a code that was Phường Tân Hòa of Biên Hòa until
30/06/2025):

    an (Xuân Thành): course A made under Huyện Xuân Lộc 10/03/2025,
        completed 20/05/2025, certificate 21/05/2025; course B made under
        Xã Xuân Thành 01/09/2025, completed 10/10/2025
    binh (Hố Nai): course A made under the old Phường Tân Hòa 02/04/2025,
        never completed; course B made under Phường Hố Nai 15/11/2025
    cuong (Xuân Thành): course A made 01/02/2026, completed 01/03/2026,
        certificate 02/03/2026
"""

from __future__ import annotations

import datetime

import pytest

from certificates.models import Certificate, CertificateSeries
from courses.attendance.models import AttendanceRecord, ClassMembership, TrainingClass
from courses.models import Enrolment
from elearning.people.models import AdministrativeUnit
from elearning.reports.metrics import Figure, Period, registered_metrics
from elearning.reports.selectors import figures, learners_where
from elearning.reports.yearly import yearly_report_build
from quizzes.models import Attempt
from tests.factories import make_person, reauthenticate

from .dataset import at, certificate, mark, session
from .helpers import summary, table
from .reform import fill_units, load_reform

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=7))
Level = AdministrativeUnit.Level


@pytest.fixture(autouse=True)
def _in_december_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=TZ))


@pytest.fixture
def reform(units):
    return load_reform()


def record(learner, course, unit, *, made, completed=None):
    enrolment = Enrolment.objects.create(
        learner=learner,
        course=course,
        unit=unit,
        status=Enrolment.Status.COMPLETED if completed else Enrolment.Status.ENROLLED,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=made, completed_at=completed
    )
    return enrolment


@pytest.fixture
def history(reform, units, courses):
    a, b = courses
    xuan_thanh, ho_nai = reform.new("26434"), reform.new("26005")
    tan_hoa = reform.old("26005")
    assert (tan_hoa.full_name, ho_nai.full_name) == ("Phường Tân Hòa", "Phường Hố Nai")
    an = make_person(
        role="learner", unit=xuan_thanh, full_name="Nguyễn Văn An", email="an@x.vn"
    )
    binh = make_person(
        role="learner", unit=ho_nai, full_name="Trần Thị Bình", email="binh@x.vn"
    )
    cuong = make_person(
        role="learner", unit=xuan_thanh, full_name="Lê Văn Cường", email="cuong@x.vn"
    )
    record(an, a, units["741"], made=at(2025, 3, 10), completed=at(2025, 5, 20))
    record(an, b, xuan_thanh, made=at(2025, 9, 1), completed=at(2025, 10, 10))
    record(binh, a, tan_hoa, made=at(2025, 4, 2))
    record(binh, b, ho_nai, made=at(2025, 11, 15))
    record(cuong, a, xuan_thanh, made=at(2026, 2, 1), completed=at(2026, 3, 1))
    old_series = CertificateSeries.objects.create(unit=units["741"], year=2025)
    new_series = CertificateSeries.objects.create(unit=units["75"], year=2026)
    first = certificate(an, a, old_series, 1, at(2025, 5, 21))
    second = certificate(cuong, a, new_series, 1, at(2026, 3, 2))
    Certificate.objects.filter(pk=first.pk).update(unit=units["741"])
    Certificate.objects.filter(pk=second.pk).update(unit=xuan_thanh)
    return xuan_thanh, ho_nai


def place_rows(report):
    """{row label: figures} of the results and certificates tables."""
    _course, _people, results, certificates, _attendance = report.tables
    rows = {r.label: dict(r.figures) for r in results.rows}
    for r in certificates.rows:
        rows[r.label].update(r.figures)
    return results, rows


def test_2025_report_splits_at_1_july(history, units):
    report = yearly_report_build(year=2025)
    results, rows = place_rows(report)
    # Until 30 June: the districts (an old commune under its district).
    assert rows["Huyện Xuân Lộc"]["enrolled"] == Figure(1)
    assert rows["Huyện Xuân Lộc"]["completed"] == Figure(1)
    assert rows["Huyện Xuân Lộc"]["certificates_issued"] == Figure(1)
    assert rows["Thành phố Biên Hòa"]["enrolled"] == Figure(1)
    # From 1 July: the communes and wards.
    assert rows["Xã Xuân Thành"]["enrolled"] == Figure(1)
    assert rows["Xã Xuân Thành"]["completed"] == Figure(1)
    assert rows["Xã Xuân Thành"]["certificates_issued"] == Figure(0)
    assert rows["Phường Hố Nai"]["enrolled"] == Figure(1)
    # Every district of the year has its row; communes only with figures.
    levels = [r.obj.level for r in results.rows if r.obj is not None]
    assert levels.count(Level.DISTRICT) == 11
    communes = {r.label for r in results.rows if r.obj is not None} - {
        r.label for r in results.rows if r.obj and r.obj.level == Level.DISTRICT
    }
    assert communes == {"Xã Xuân Thành", "Phường Hố Nai"}
    # The totals are the sums of the rows.
    for key in ("enrolled", "completed", "certificates_issued"):
        column = sum(f.get(key, Figure(0)).value for f in rows.values())
        assert column == report.total.figures[key].value
    assert report.total.figures["enrolled"] == Figure(4)
    assert report.total.figures["completed"] == Figure(2)
    assert report.total.figures["certificates_issued"] == Figure(1)
    # An took part before and after the reform: in both rows, once in all.
    people = {r.label: r.figures for r in report.tables[1].rows}
    assert people["Huyện Xuân Lộc"]["participants"] == Figure(1)
    assert people["Xã Xuân Thành"]["participants"] == Figure(1)
    assert report.tables[1].total.figures["participants"] == Figure(2)


def test_2026_report_lists_communes_and_wards_only(history, reform):
    report = yearly_report_build(year=2026)
    results, rows = place_rows(report)
    assert all(r.obj is None or r.obj.level == Level.COMMUNE for r in results.rows)
    assert len([r for r in results.rows if r.obj is not None]) == 95
    # Still open in 2026, made under the old Phường Tân Hòa: its successor.
    assert rows["Phường Hố Nai"]["enrolled"] == Figure(2)
    assert rows["Xã Xuân Thành"]["enrolled"] == Figure(1)
    assert rows["Xã Xuân Thành"]["certificates_issued"] == Figure(1)
    assert report.total.figures["enrolled"] == Figure(3)
    assert sum(f.get("enrolled", Figure(0)).value for f in rows.values()) == 3
    assert report.total.figures["certificates_issued"] == Figure(1)


def test_province_dashboard_groups_by_each_persons_unit_now(
    client, history, province_admin
):
    client.force_login(province_admin)
    response = client.get("/bao-cao/tinh/", {"year": 2025})
    rows = table(response, "district")
    assert rows["Xã Xuân Thành"]["enrolled"] == "2"
    assert rows["Phường Hố Nai"]["enrolled"] == "2"
    assert not any(label.startswith("Huyện") for label in rows)


def test_officer_of_a_new_commune_sees_the_history_of_its_people(client, history):
    xuan_thanh, _ho_nai = history
    officer = make_person(
        role="officer",
        unit=xuan_thanh,
        full_name="Phạm Thị Dung",
        email="dung@x.vn",
    )
    client.force_login(officer)
    figures = summary(client.get("/bao-cao/", {"year": 2025}))
    assert figures["enrolled"] == "2"
    assert figures["certificates_issued"] == "1"


def test_province_trend_shows_each_year_with_figures(client, history, province_admin):
    client.force_login(province_admin)
    response = client.get("/bao-cao/tinh/", {"year": 2026})
    rows = table(response, "trend")
    assert list(rows) == ["2025", "2026"]
    assert [
        rows["2025"][k] for k in ("enrolled", "completed", "certificates_issued")
    ] == ["4", "2", "1"]
    assert [
        rows["2026"][k] for k in ("enrolled", "completed", "certificates_issued")
    ] == ["3", "1", "1"]
    assert response.context["charts"][-1]["data"]["labels"] == ["2025", "2026"]
    reauthenticate(client)
    export = client.get("/bao-cao/xuat/trend.csv", {"year": 2026})
    assert export.status_code == 200
    assert "2025" in export.content.decode("utf-8-sig")


def test_trend_is_for_province_admins_only(client, history, officer):
    client.force_login(officer)
    reauthenticate(client)
    assert client.get("/bao-cao/xuat/trend.csv", {"year": 2026}).status_code == 404


@pytest.mark.parametrize("year", [2025, 2026])
def test_record_unit_is_the_unit_while_nobody_has_moved(dataset, year):
    """Every metric's "record_unit" answers what "unit" answers when each
    record was made under its holder's unit now (filled in, or left empty)."""
    learners, period = learners_where(), Period.year(year)
    for metric in registered_metrics():
        by_unit = figures(learners, period, "unit", [metric])
        assert figures(learners, period, "record_unit", [metric]) == by_unit
    fill_units(Enrolment, Attempt, AttendanceRecord, Certificate)
    for metric in registered_metrics():
        by_unit = figures(learners, period, "unit", [metric])
        assert figures(learners, period, "record_unit", [metric]) == by_unit, metric


def test_attendance_of_2025_splits_at_1_july(history, units, courses):
    xuan_thanh, _ho_nai = history
    an = Enrolment.objects.get(learner__email="an@x.vn", course=courses[0]).learner
    training_class = TrainingClass.objects.create(
        course=courses[0],
        code="ATTT-XL-2025",
        name="Lớp tập huấn Xuân Lộc 2025",
        unit=units["741"],
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2025, 7, 31),
    )
    ClassMembership.objects.create(training_class=training_class, learner=an)
    june = session(training_class, 2025, 6, 10)
    session(training_class, 2025, 7, 10)  # not marked: an's unit now
    mark(june, an, "present")
    AttendanceRecord.objects.filter(session=june).update(unit=units["741"])

    report = yearly_report_build(year=2025)
    attendance = {r.label: r.figures for r in report.tables[4].rows}
    assert attendance["Huyện Xuân Lộc"]["attendance_rate"] == Figure(1, 1)
    assert attendance["Huyện Xuân Lộc"]["classes_held"] == Figure(1)
    assert attendance[xuan_thanh.full_name]["attendance_rate"] == Figure(0, 1)
    assert report.total.figures["attendance_rate"] == Figure(1, 2)


def test_the_change_of_30_april_2026_breaks_nothing(units_2025, courses):
    """Ten xã become phường and the province «Thành phố Đồng Nai», entered
    through the admin's services: the commune's people move, scoping follows
    them, the 2026 report shows the xã until 29/04 and the phường after, and
    a certificate issued after the admin renames the superior body says so
    while one issued before keeps the old name."""
    from certificates.models import Issuer
    from certificates.services import issuer_save
    from elearning.people.scoping import visible_unit_ids
    from elearning.people.unit_moves import moves_propose, units_migrate
    from tests.people.test_units_2026 import AFTER, BEFORE, apply_30_april_2026

    a, b = courses
    xa = units_2025.on("26425", BEFORE)
    an = make_person(
        role="learner", unit=xa, full_name="Nguyễn Văn An", email="an@x.vn"
    )
    officer = make_person(
        role="officer", unit=xa, full_name="Lê Hoàng Đức", email="canbo@x.vn"
    )
    record(an, a, xa, made=at(2026, 3, 10), completed=at(2026, 4, 2))
    series = CertificateSeries.objects.create(
        issuer=Issuer.objects.get(code="SKHCN"),
        year=2026,
        number_format="{n:04d}/{year}/GCN-{issuer}",
    )
    before = certificate(an, a, series, 1, at(2026, 4, 3))
    Certificate.objects.filter(pk=before.pk).update(
        unit=xa, issuer_revision=series.issuer.save_revision(log_action=False)
    )

    _province, city = apply_30_april_2026()
    phuong = AdministrativeUnit.objects.get_on("26425", AFTER)
    # The admin moves the xã's people to the phường (one successor: proposed).
    proposal = moves_propose(unit=xa, day=AFTER)
    units_migrate(
        moves=[(p.profile, p.to) for p in proposal if p.to is not None], day=AFTER
    )
    an.profile.refresh_from_db()
    officer.profile.refresh_from_db()
    assert an.profile.unit == officer.profile.unit == phuong
    assert visible_unit_ids(officer) == {phuong.pk}
    record(an, b, phuong, made=at(2026, 5, 10))

    # The superior body is renamed in the issuer, not in code.
    issuer = Issuer.objects.get(code="SKHCN")
    issuer.issuing_parent = "UBND THÀNH PHỐ ĐỒNG NAI"
    issuer_save(issuer=issuer)
    after = certificate(an, b, series, 2, at(2026, 6, 1))
    Certificate.objects.filter(pk=after.pk).update(
        unit=phuong,
        issuer_revision_id=Issuer.objects.get(pk=issuer.pk).latest_revision_id,
    )
    assert "UBND TỈNH ĐỒNG NAI" in Certificate.objects.get(pk=before.pk).issuer_line
    assert "UBND THÀNH PHỐ ĐỒNG NAI" in Certificate.objects.get(pk=after.pk).issuer_line

    report = yearly_report_build(year=2026)
    results, rows = place_rows(report)
    assert rows["Xã Xuân Lộc"]["enrolled"] == Figure(1)
    assert rows["Xã Xuân Lộc"]["certificates_issued"] == Figure(1)
    assert rows["Phường Xuân Lộc"]["enrolled"] == Figure(1)
    assert rows["Phường Xuân Lộc"]["certificates_issued"] == Figure(1)
    assert results.total.figures["enrolled"] == Figure(2)
    # The report made today is headed by the body as the admin keeps it now.
    assert (report.superior, report.issuer) == (
        "UBND THÀNH PHỐ ĐỒNG NAI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    assert city.full_name == "Thành phố Đồng Nai"


def test_a_past_years_report_counts_todays_staff_under_that_years_units(reform, units):
    """The 2024 report made today: a person of Xã Xuân Thành (formed from
    communes of Huyện Xuân Lộc) counts under the district; one of Phường
    Trảng Dài (formed across Biên Hòa and Vĩnh Cửu) keeps their ward's row."""
    make_person(
        role="learner",
        unit=reform.new("26434"),
        full_name="Nguyễn Văn An",
        email="a@x.vn",
    )
    make_person(
        role="learner",
        unit=reform.new("25993"),
        full_name="Trần Thị Bình",
        email="b@x.vn",
    )
    report = yearly_report_build(year=2024)
    _course, people, *_rest = report.tables
    staff = {r.label: r.figures.get("staff_count") for r in people.rows}
    assert staff["Huyện Xuân Lộc"] == Figure(1)
    assert staff["Phường Trảng Dài"] == Figure(1)
    assert "Xã Xuân Thành" not in staff
    assert people.total.figures["staff_count"] == Figure(2)
