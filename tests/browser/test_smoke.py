import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/accounts/login/"], ids=["home", "login"])
def test_page_loads_cleanly_and_accessibly(
    page, live_server, axe_violations, screenshot, path
):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"
    # Every stylesheet and script came from this machine and loaded.
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    assert axe_violations(page) == []
    screenshot(page, "smoke" + path.replace("/", "_").rstrip("_"))
