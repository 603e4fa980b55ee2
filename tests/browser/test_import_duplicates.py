"""An officer's staff list names someone already known under another address,
and someone twice: the preview asks, and the officer answers both ways."""

import datetime

import pytest

from courses.models import ImportJob
from elearning.people.models import StaffProfile, User
from tests.browser.test_courses_journey import login_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILE = (
    "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"
    # Nguyễn Văn An is known (same name and birth date), here at home.
    "NGUYỄN VĂN AN,an.canhan@gmail.com,04/01/1985,Chuyên viên,"
    "Phòng Kinh tế xã Xuân Lộc,26425,cong_chuc\n"
    "Lê Thị Hoa,hoa.lt@xuanloc.dongnai.gov.vn,02/02/1990,Kế toán,"
    "Phòng Kinh tế xã Xuân Lộc,26425,cong_chuc\n"
    # Another Lê Thị Hoa of the same agency: a namesake, not the same person.
    "Lê Thị Hoa,hoa.lt2@xuanloc.dongnai.gov.vn,,Văn thư,"
    "Phòng Kinh tế xã Xuân Lộc,26425,cong_chuc\n"
)


def test_officer_answers_the_possible_duplicates_both_ways(
    browser, live_server, units_2025, axe_violations, screenshot, tmp_path
):
    from tests.factories import make_person

    unit = units_2025["26425"]
    officer = make_person(
        role="officer",
        unit=unit,
        full_name="Lê Hoàng Đức",
        email="canbo@xuanloc.example.gov.vn",
    )
    an = make_person(
        role="learner",
        unit=unit,
        full_name="Nguyễn Văn An",
        email="an.nv@xuanloc.dongnai.gov.vn",
    )
    StaffProfile.objects.filter(user=an).update(date_of_birth=datetime.date(1985, 1, 4))
    path = tmp_path / "danh-sach.csv"
    path.write_text(FILE, encoding="utf-8")

    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    login_as(context, officer, live_server)
    page.goto(live_server.url + "/quan-ly/nhap-tu-tep/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("2 dòng có thể trùng với người đã có").wait_for()
    first = page.locator("[data-import-duplicate='2']")
    assert "an.nv@xuanloc.dongnai.gov.vn" in first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "courses_import_duplicates")

    # Confirming before answering writes nothing and says what waits.
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Còn 2 dòng chưa chọn: 2, 4.").wait_for()
    assert not User.objects.filter(email="an.canhan@gmail.com").exists()
    assert not User.objects.filter(email="hoa.lt@xuanloc.dongnai.gov.vn").exists()

    # The first is Nguyễn Văn An; the second Lê Thị Hoa is someone else.
    first.get_by_label("Cùng một người: cập nhật", exact=False).check()
    page.locator("[data-import-duplicate='4']").get_by_label(
        "Người khác: tạo mới"
    ).check()
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Đã nhập xong.").wait_for()
    assert errors == []
    context.close()

    job = ImportJob.objects.get()
    assert job.decisions == {"2": f"user:{an.pk}", "4": "new"}
    an.refresh_from_db()
    assert an.email == "an.canhan@gmail.com"  # the same account, its new address
    assert an.profile.position == "Chuyên viên"
    assert StaffProfile.objects.filter(full_name="Nguyễn Văn An").count() == 1
    assert StaffProfile.objects.filter(full_name="Lê Thị Hoa").count() == 2
