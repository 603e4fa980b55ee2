"""Every role's menu fits on one line at 1366×768, and the account menu
(name, my data, MFA, sessions, sign-out) opens and signs out."""

import pytest

from .conftest import sign_in_by_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people():
    from django.contrib.auth.models import Group

    from elearning.people.models import AdministrativeUnit
    from elearning.people.services import units_load
    from tests.factories import make_person

    for name in ("learner", "officer", "trainer", "admin"):
        Group.objects.get_or_create(name=name)
    units_load()
    unit = AdministrativeUnit.objects.get(code="741")
    province = AdministrativeUnit.objects.get(code="75")
    return {
        role: make_person(
            role=role,
            unit=province if role in ("admin", "trainer") else unit,
            # The longest names the menu must hold without wrapping.
            full_name="Nguyễn Thị Phương Hoàng Ngọc Trâm",
            email=f"{role}@xuanloc.example.gov.vn",
        )
        for role in ("learner", "officer", "trainer", "admin")
    }


def test_each_roles_menu_is_one_line_at_1366(browser, live_server):
    people = _people()
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}
    )
    try:
        for role, user in people.items():
            context.clear_cookies()
            page = context.new_page()
            sign_in_by_cookie(page, live_server, user)
            page.goto(live_server.url + "/lop-tap-huan/")
            links = page.locator("#mainNav .nav-link")
            tops = {
                round(box["y"])
                for box in (links.nth(i).bounding_box() for i in range(links.count()))
            }
            assert len(tops) == 1, (role, tops)
            nav = page.locator("nav.navbar").bounding_box()
            page.screenshot(path=f"test-artifacts/menu-{role}.png")
            assert nav["height"] < 70, (role, nav)
            account = page.locator("button.account-menu").bounding_box()
            assert account["x"] + account["width"] <= 1366 - 8, (role, account)
            assert page.get_by_role("link", name="Lớp tập huấn").is_visible()
            page.close()
    finally:
        context.close()


def test_account_menu_opens_and_signs_out(page, live_server):
    learner = _people()["learner"]
    sign_in_by_cookie(page, live_server, learner)
    page.goto(live_server.url + "/")
    menu = page.locator("button.account-menu")
    assert menu.inner_text() == "Nguyễn Thị Phương Hoàng Ngọc Trâm"
    menu.click()
    assert page.locator("nav").get_by_role("link", name="Dữ liệu của tôi").is_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Đăng nhập").first.is_visible()
    assert page.watch.console_errors == []
