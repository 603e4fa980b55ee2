"""A learner downloads their data, asks for a correction, the unit's
officer answers within the deadline, the learner sees the answer."""

import json

import pytest

from .conftest import PageWatch, _new_page, sign_in_by_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_ask_for_a_correction_and_read_the_answer(
    phone_page, browser, live_server, axe_violations, screenshot
):
    from django.contrib.auth.models import Group

    from elearning.people.models import AdministrativeUnit, DataRequest
    from elearning.people.services import units_load
    from tests.factories import DEFAULT_PASSWORD, make_person, verify_email

    # transaction=True empties the tables the data migrations filled.
    for role in ("learner", "officer"):
        Group.objects.get_or_create(name=role)
    units_load()
    xuan_loc = AdministrativeUnit.objects.get(code="741")
    learner = make_person(
        role="learner",
        unit=xuan_loc,
        full_name="Nguyễn Văn An",
        email="an@xuanloc.example.gov.vn",
    )
    verify_email(learner)
    officer = make_person(
        role="officer",
        unit=xuan_loc,
        full_name="Lê Hoàng Đức",
        email="duc@xuanloc.example.gov.vn",
    )

    # The learner signs in and downloads everything held about them: the
    # download asks for the password again first.
    page = phone_page
    page.goto(live_server.url + "/accounts/login/?next=/ca-nhan/du-lieu-cua-toi/")
    page.get_by_label("Email", exact=True).fill(learner.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ca-nhan/du-lieu-cua-toi/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Tải dữ liệu của tôi (JSON)").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    with page.expect_download() as download:
        page.locator("main").get_by_role("button").first.click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["profile"][0]["full_name"] == "Nguyễn Văn An"
    assert data["account"][0]["email"] == learner.email

    # The position on file is wrong: the learner asks for a correction.
    page.goto(live_server.url + "/ca-nhan/du-lieu-cua-toi/")
    page.get_by_label("Loại yêu cầu").select_option(label="Chỉnh sửa dữ liệu")
    page.get_by_label("Nội dung yêu cầu").fill("Chức vụ đúng là Chuyên viên.")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    row = page.locator("tr.data-request")
    assert "Đã nhận, chờ xác nhận" in row.inner_text()
    request = DataRequest.objects.get(person=learner)
    assert request.answer_by.strftime("%d/%m/%Y") in row.inner_text()
    screenshot(page, "personal_data_request_phone")

    # The officer of Xuân Lộc finds it in the queue, acknowledges, answers.
    context, officer_page = _new_page(browser, viewport={"width": 1280, "height": 900})
    officer_page.watch = PageWatch(officer_page)
    sign_in_by_cookie(officer_page, live_server, officer)
    officer_page.goto(live_server.url + "/quan-ly/yeu-cau-du-lieu/")
    assert axe_violations(officer_page) == []
    officer_page.get_by_role("link", name="Nguyễn Văn An").click()
    assert "Chức vụ đúng là Chuyên viên." in officer_page.content()
    officer_page.get_by_role("button", name="Xác nhận đã nhận").click()
    officer_page.get_by_label("Nội dung trả lời hoặc lý do gia hạn").fill(
        "Đã sửa chức vụ thành Chuyên viên."
    )
    officer_page.get_by_role("button", name="Chấp nhận").click()
    assert "Đã chấp nhận" in officer_page.locator("main").inner_text()
    assert officer_page.watch.console_errors == []
    context.close()

    request.refresh_from_db()
    assert request.status == DataRequest.Status.GRANTED
    assert request.acknowledged_at.date() <= request.acknowledge_by
    assert request.decided_at.date() <= request.answer_by  # within the deadline

    # The learner sees the answer.
    page.reload()
    row = page.locator("tr.data-request")
    assert "Đã chấp nhận" in row.inner_text()
    assert "Đã sửa chức vụ thành Chuyên viên." in row.inner_text()
    assert axe_violations(page) == []
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
