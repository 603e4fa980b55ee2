"""The admin screens the platform adds or configures pass axe-core (no
serious or critical violation): its viewsets and snippets (lists and
forms), its own screens, and the page editor of its page types."""

import json

import pytest
from django.urls import reverse

from tests.courses.conftest import make_course, make_lessons
from tests.quizzes.conftest import make_quiz

from .test_courses_journey import login_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENS = [
    "wagtailadmin_home",
    "training_classes:index",
    "training_classes:add",
    "class_sessions:index",
    "class_sessions:add",
    "people_staff:index",
    "people_staff:add",
    "people_agencies:index",
    "people_agencies:add",
    "people_units:index",
    "people_units:add",
    "people_successions:index",
    "people_successions:add",
    "people_unit_moves:index",
    "people_access_log:index",
    "h5plibrary:index",
    "h5p_libraries:index",
    "wagtailsnippets_h5p_h5pcontent:list",
    "wagtailsnippets_h5p_h5pcontent:add",
    "wagtailsnippets_quizzes_question:list",
    "wagtailsnippets_quizzes_question:add",
    "wagtailsnippets_quizzes_questioncategory:list",
    "wagtailsnippets_quizzes_questioncategory:add",
    "wagtailsnippets_certificates_issuer:list",
    "wagtailsnippets_certificates_issuer:add",
    "wagtailsnippets_certificates_certificatetemplate:list",
    "wagtailsnippets_certificates_certificatetemplate:add",
    "quizzes_admin:import",
    "quizzes_admin:reports",
]


@pytest.fixture
def pages(units):
    from wagtail.models import Site

    from courses.models import CourseIndexPage
    from quizzes.models import QuestionCategory

    site = Site.objects.get(is_default_site=True)
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    site.root_page.add_child(instance=index)
    course = make_course(index, code="ATTT-AXE", title="An toàn thông tin")
    (lesson,) = make_lessons(course, 1)
    QuestionCategory.objects.create(name="ATTT cơ bản")
    quiz = make_quiz(course)
    return index, course, lesson, quiz


def test_the_platforms_admin_screens_pass_axe(
    page, live_server, province_admin, pages, axe_violations
):
    index, course, lesson, quiz = pages
    province_admin.is_superuser = True  # every screen, whatever the role
    province_admin.save(update_fields=["is_superuser"])
    login_as(page.context, province_admin, live_server)
    page.set_default_timeout(60_000)  # the admin is heavy on a shared machine
    paths = [reverse(name) for name in SCREENS] + [
        reverse("wagtailadmin_pages:edit", args=[p.pk]) for p in (course, lesson, quiz)
    ]
    paths.append(
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", index.pk])
    )
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    page.goto(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_000)  # let the editors' release beacons be answered
