"""The Content-Security-Policy in Chromium: enforced on platform pages (an
injected inline script does not run), and the Wagtail admin's looser policy
is enough for its editors (no violation reported while they load)."""

import pytest

from tests.courses.conftest import make_course, make_lessons

from .test_courses_journey import login_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def violations(page) -> list[str]:
    return [e for e in page.watch.console_errors if "Content Security Policy" in e]


def test_platform_page_refuses_inline_script(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    # What an injected payload would do: add an inline script.
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__injected = true";
            document.body.appendChild(s);
            const d = document.createElement("div");
            d.setAttribute("onclick", "window.__clicked = true");
            document.body.appendChild(d);
            d.click();
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__injected") is None
    assert page.evaluate("window.__clicked") is None
    assert len(violations(page)) >= 2


@pytest.fixture
def lesson(units):
    from wagtail.models import Site

    from courses.models import CourseIndexPage

    site = Site.objects.get(is_default_site=True)
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    site.root_page.add_child(instance=index)
    course = make_course(index, code="ATTT-CSP", title="An toàn thông tin")
    (lesson,) = make_lessons(course, 1)
    return lesson


def test_wagtail_admin_runs_under_its_policy(page, live_server, province_admin, lesson):
    # Every admin screen, whatever the page permissions of the demo roles.
    province_admin.is_superuser = True
    province_admin.save(update_fields=["is_superuser"])
    login_as(page.context, province_admin, live_server)
    page.set_default_timeout(60_000)  # the admin is heavy on a shared machine
    for path in (
        "/admin/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{lesson.get_parent().pk}/",
        "/admin/images/",
        "/admin/snippets/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.url == live_server.url + path  # not sent elsewhere
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert not violations(page), path + "\n" + "\n".join(violations(page))
    # The page editor's own scripts ran (StreamField and panels initialised).
    page.goto(live_server.url + f"/admin/pages/{lesson.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-streamfield-stream-container]").count() >= 1
    assert violations(page) == []
    assert page.watch.foreign_requests == []
    # Leave the editor while the server still runs: the editor pings its
    # editing session and releases it when left (a beacon Playwright does not
    # report); the in-memory test database cannot be emptied while the live
    # server still writes, so give that request time to be answered.
    page.goto(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2_000)
