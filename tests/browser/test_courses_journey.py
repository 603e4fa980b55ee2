"""An officer imports the staff list; a learner from it studies on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from courses.models import CoursePage, LessonPage
from elearning.people.models import User
from tests.courses.conftest import make_course, make_lessons
from tests.factories import make_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A commune's staff list: new people go to units in force today.
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "staff_import_xa_xuan_loc.csv"


def login_as(context, user, live_server):
    """Sign in through a session cookie: staff would otherwise face MFA setup."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["allauth_mfa_authenticated"] = True  # harmless where MFA is not enforced
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def commune_officer(units_2025):
    from tests.factories import make_person

    return make_person(
        role="officer",
        unit=units_2025["26425"],
        full_name="Lê Hoàng Đức",
        email="canbo@xuanloc.example.gov.vn",
    )


@pytest.fixture
def journey_course(units_2025):
    from wagtail.models import Site

    from courses.models import CourseIndexPage

    site = Site.objects.get(is_default_site=True)
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    site.root_page.add_child(instance=index)
    course = make_course(
        index,
        code="ATTT-CB",
        title="Kỹ năng cơ bản bảo đảm an toàn thông tin",
        enrolment_policy=CoursePage.EnrolmentPolicy.OFFICER,
    )
    make_lessons(course, 3)
    long_body = [
        ("paragraph", f"<p>Đoạn {i}: đọc kỹ trước khi bấm đường dẫn.</p>")
        for i in range(40)
    ]
    for lesson in LessonPage.objects.child_of(course):
        lesson.body = long_body + [
            (
                "knowledge_check",
                {
                    "question": "Nên làm gì với thư lạ?",
                    "choices": [
                        {
                            "text": "Bấm ngay",
                            "correct": False,
                            "feedback": "Nguy hiểm.",
                        },
                        {"text": "Xác minh", "correct": True, "feedback": "Đúng."},
                    ],
                },
            )
        ]
        # Done only once studied: half a minute on screen (courses.study).
        lesson.min_study_seconds = 30
        lesson.save()
    return course


def study(time_machine):
    """Half a minute of study, without waiting for it: the live server runs
    in this process, so moving the clock moves its clock; the page's next
    heartbeat (every 15 s while it is on screen) then credits the time."""
    time_machine.shift(31)


def test_import_then_study_on_phone(
    page,
    phone_page,
    live_server,
    commune_officer,
    journey_course,
    axe_violations,
    screenshot,
    time_machine,
):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=True)
    # 1. The officer imports the sample list and enrols everyone.
    login_as(page.context, commune_officer, live_server)
    page.goto(live_server.url + "/quan-ly/nhap-tu-tep/")
    assert axe_violations(page) == []
    page.set_input_files("input[type=file]", str(SAMPLE))
    page.select_option("select[name=course]", label=journey_course.title)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("tất cả hợp lệ").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "courses_import_preview")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Đã nhập xong.").wait_for()
    assert page.watch.console_errors == []

    # 2. A learner from the file sets a password (as the invitation would).
    learner = User.objects.get(email="ngoc.ttb@xuanloc.dongnai.gov.vn")
    learner.set_password("mat-khau-hoc-vien-2026")
    learner.save()
    make_ready(learner)  # the privacy consent, given on first sign-in
    phone = phone_page
    phone.goto(live_server.url + "/accounts/login/")
    phone.fill("input[name=login]", "ngoc.ttb@xuanloc.dongnai.gov.vn")
    phone.fill("input[name=password]", "mat-khau-hoc-vien-2026")
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_load_state("networkidle")
    phone.goto(live_server.url + "/khoa-hoc-cua-toi/")
    bar = phone.locator("[role=progressbar]").first
    assert bar.get_attribute("aria-valuenow") == "0"
    assert axe_violations(phone) == []

    # 3. Lesson 1: the button.
    phone.get_by_role("link", name="Bước tiếp theo").click()
    assert axe_violations(phone) == []
    phone.get_by_label("Xác minh").check()
    phone.get_by_text("Chính xác!").wait_for()
    done = phone.locator("[data-done-status]").get_by_text("Đã hoàn thành bài học")
    button = phone.get_by_role("button", name="Đánh dấu đã học xong")
    # Too early: refused with what is missing, nothing recorded.
    button.click()
    phone.get_by_text("Cần học thêm").first.wait_for()
    assert not done.is_visible()
    # Studied: the next heartbeat marks it done, as the learner asked.
    study(time_machine)
    done.wait_for(timeout=30_000)
    assert (
        phone.locator("[data-course-progress]").get_attribute("aria-valuenow") == "33"
    )

    # 4. Lesson 2: reaching the end marks it done.
    phone.get_by_role("link", name="Bài sau").click()
    phone.mouse.wheel(0, 200)
    phone.locator("[data-lesson-end]").scroll_into_view_if_needed()
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    study(time_machine)
    phone.locator("[data-done-status]").get_by_text("Đã hoàn thành bài học").wait_for(
        timeout=30_000
    )
    assert (
        phone.locator("[data-course-progress]").get_attribute("aria-valuenow") == "67"
    )
    screenshot(phone, "courses_lesson_done_phone")

    # 5. The dashboard shows the progress moved.
    phone.goto(live_server.url + "/khoa-hoc-cua-toi/")
    assert (
        phone.locator("[role=progressbar]").first.get_attribute("aria-valuenow") == "67"
    )
    assert "Còn 1/3 bài học chưa hoàn thành." in phone.content()
    assert axe_violations(phone) == []
    screenshot(phone, "courses_dashboard_phone")
    # The only errors are Chromium's notes of the refusals asked for above
    # ("done" too early answers 409 Conflict, with what is missing).
    refused = [e for e in phone.watch.console_errors if "409 (Conflict)" in e]
    assert refused and phone.watch.console_errors == refused
    assert phone.watch.foreign_requests == []
