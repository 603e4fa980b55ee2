import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_privacy_notice_is_accessible_on_a_phone(
    phone_page, live_server, axe_violations
):
    response = phone_page.goto(live_server.url + "/ca-nhan/thong-bao-du-lieu/")
    assert response.status == 200
    assert phone_page.locator("h1").inner_text() == "Thông báo xử lý dữ liệu cá nhân"
    assert phone_page.watch.console_errors == []
    assert phone_page.watch.foreign_requests == []
    assert axe_violations(phone_page) == []


def test_first_login_consent_then_my_data(phone_page, live_server, axe_violations):
    from django.contrib.auth.models import Group

    from elearning.people.models import AdministrativeUnit
    from elearning.people.services import units_load
    from tests.factories import DEFAULT_PASSWORD, make_person, verify_email

    # transaction=True empties the tables the data migrations filled.
    Group.objects.get_or_create(name="learner")
    units_load()

    learner = make_person(
        role="learner",
        unit=AdministrativeUnit.objects.get(code="741"),
        full_name="Nguyễn Văn An",
        email="an@xuanloc.example.gov.vn",
        ready=False,
    )
    verify_email(learner)
    page = phone_page
    page.goto(live_server.url + "/accounts/login/?next=/ca-nhan/du-lieu-cua-toi/")
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/ca-nhan/dong-y/**")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tôi đã đọc và đồng ý").click()
    page.wait_for_url("**/ca-nhan/du-lieu-cua-toi/")
    assert "Nguyễn Văn An" in page.content()
    assert axe_violations(page) == []
    assert page.watch.console_errors == []
