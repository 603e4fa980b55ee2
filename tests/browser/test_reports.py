"""Both dashboards in Chromium: charts drawn from local Chart.js, no console
errors, nothing fetched from elsewhere, axe clean, numbers in the tables.

Staff accounts need MFA at sign-in, so the test signs in with
``client.force_login`` and hands the session cookie to the browser.
"""

import pytest
from django.conf import settings

# The reports' known dataset, as fixtures here too.
from tests.reports.dataset import courses, dataset, make_dataset  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """Transactional tests empty every table, the role groups made by a data
    migration included: put them back before the people fixtures need them."""
    from django.contrib.auth.models import Group

    from elearning.people.models import Role

    for role in Role:
        Group.objects.get_or_create(name=str(role))


def sign_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def look(page, live_server, axe_violations, screenshot, path, name):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    # Chart.js drew every chart (a canvas it owns has a chart instance).
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".map(c => !!Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    assert axe_violations(page) == []
    screenshot(page, name)


@pytest.mark.usefixtures("dataset")
def test_district_dashboard(
    page, client, live_server, officer, axe_violations, screenshot
):
    sign_in(page, client, live_server, officer)
    look(
        page,
        live_server,
        axe_violations,
        screenshot,
        "/bao-cao/?year=2026",
        "reports_district",
    )
    cell = page.locator('table[data-table="course"] tbody tr').first.locator(
        'td[data-metric="completion_rate"]'
    )
    assert cell.inner_text() == "60,0 %"
    summary = page.locator("#summary-title ~ div")
    assert summary.locator("[data-metric=enrolled]").inner_text() == "6"
    # The figures the quizzes, attendance and certificates apps register.
    assert summary.locator("[data-metric=quiz_pass_rate]").inner_text() == "66,7 %"
    assert summary.locator("[data-metric=attendance_rate]").inner_text() == "55,6 %"
    assert summary.locator("[data-metric=certificates_issued]").inner_text() == "2"
    assert "Biên Hòa" not in page.content()


@pytest.mark.usefixtures("dataset")
def test_province_dashboard(
    page, client, live_server, province_admin, axe_violations, screenshot
):
    sign_in(page, client, live_server, province_admin)
    look(
        page,
        live_server,
        axe_violations,
        screenshot,
        "/bao-cao/tinh/?year=2026",
        "reports_province",
    )
    total = page.locator('table[data-table="district"] tfoot')
    assert total.locator("td[data-metric=enrolled]").inner_text() == "11"
    assert total.locator("td[data-metric=quiz_pass_rate]").inner_text() == "75,0 %"
    assert total.locator("td[data-metric=attendance_rate]").inner_text() == "54,5 %"
    assert total.locator("td[data-metric=certificates_issued]").inner_text() == "3"
    assert total.locator("td[data-metric=classes_held]").inner_text() == "2"
    trainer = page.locator('table[data-table="trainer"] tbody tr').first
    assert trainer.locator("th").inner_text() == "Võ Thị Giang"
    assert trainer.locator("td[data-metric=trainer_classes]").inner_text() == "2"
    assert trainer.locator("td[data-metric=trainer_marked]").inner_text() == "3"


@pytest.mark.usefixtures("dataset")
def test_district_dashboard_on_a_phone(
    phone_page, client, live_server, officer, axe_violations, screenshot
):
    sign_in(phone_page, client, live_server, officer)
    look(
        phone_page,
        live_server,
        axe_violations,
        screenshot,
        "/bao-cao/?year=2026",
        "reports_district_phone",
    )
