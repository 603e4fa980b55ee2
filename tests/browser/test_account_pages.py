"""allauth's pages on a phone: Vietnamese, laid out for a narrow screen, and
clean under axe (serious and critical rules)."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import DEFAULT_PASSWORD, UserFactory, make_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_fits_and_clean(page, axe_violations):
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways on a phone"
    )
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    assert axe_violations(page) == []


def test_login_page_on_a_phone(phone_page, live_server, axe_violations, screenshot):
    page = phone_page
    response = page.goto(live_server.url + "/accounts/login/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Đăng nhập"
    assert page.get_by_label("Mật khẩu").is_visible()
    assert page.get_by_label("Email", exact=True).is_visible()
    assert page.get_by_role("link", name="Quên mật khẩu?").is_visible()
    assert page.get_by_role("button", name="Đăng nhập").first.is_visible()
    body = page.locator("main").inner_text()
    assert "Sign In" not in body
    assert "Forgot your password?" not in body
    # Inputs are wide enough to tap and type into on a 390 px screen.
    box = page.get_by_label("Mật khẩu").bounding_box()
    assert box["width"] > 300
    assert box["height"] >= 38
    _assert_fits_and_clean(page, axe_violations)
    screenshot(page, "i18n_login_phone")


def test_failed_login_is_announced(phone_page, live_server, axe_violations, screenshot):
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email", exact=True).fill("khong-co@example.gov.vn")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    alert = page.get_by_role("alert")
    assert "Địa chỉ email hoặc mật khẩu không đúng." in alert.inner_text()
    _assert_fits_and_clean(page, axe_violations)
    screenshot(page, "i18n_login_error_phone")


def test_mfa_activation_on_a_phone(phone_page, live_server, axe_violations, screenshot):
    # No role: the role groups come from a data migration, which an earlier
    # transactional test's flush has removed.
    learner = UserFactory(email="an.nv@xuanloc.example.gov.vn", role=None)
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=True, primary=True
    )
    # Since the people gates were merged, everyone accepts the privacy notice
    # before reaching any page; this test is about the MFA pages.
    make_ready(learner)
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email", exact=True).fill(learner.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/accounts/2fa/")
    assert page.locator("h1").inner_text() == "Xác thực hai yếu tố"
    _assert_fits_and_clean(page, axe_violations)
    screenshot(page, "i18n_mfa_index_phone")

    # The re-authentication page, as sensitive actions show it.
    page.goto(live_server.url + "/accounts/reauthenticate/?next=/accounts/2fa/")
    assert page.locator("h1").inner_text() == "Xác nhận quyền truy cập"
    _assert_fits_and_clean(page, axe_violations)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Xác nhận").click()
    assert page.locator("h1").inner_text() == "Xác thực hai yếu tố"

    # No authenticator yet: "Bật" opens the set-up with no password prompt.
    page.get_by_role("link", name="Bật").click()
    assert page.locator("h1").inner_text() == "Bật ứng dụng xác thực"
    assert page.get_by_label("Mã xác thực").is_visible()
    assert page.locator("img.allauth-qr").is_visible()
    _assert_fits_and_clean(page, axe_violations)
    screenshot(page, "i18n_mfa_activate_phone")
