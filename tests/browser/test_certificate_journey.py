"""The platform's promise end to end, with real parts: PostgreSQL, Redis and
a Celery worker, Chromium. A commune's officer imports the staff list (the
worker runs the import), a learner studies every lesson, answers the H5P
exercise the course requires in its player (served from the content origin,
graded by the server) and passes the final quiz in the browser, the worker
issues and renders the certificate, the learner downloads the PDF, its QR
code (decoded from the PDF's image) opens the verify page, which shows it
valid; a province admin revokes it, and the verify page shows it revoked."""

from __future__ import annotations

import io
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import sign_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAFF_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "staff_import_xa_xuan_loc.csv"
)
LEARNER_EMAIL = "an.nv@xuanloc.dongnai.gov.vn"
BANK = """\
$CATEGORY: Cuối khóa hành trình

::Mật khẩu:: Mật khẩu nào mạnh nhất? {
~123456
=Tr@ng-Bom_2026!xanh
~matkhau
}

::OTP:: Có người gọi điện xin mã OTP để "xác minh hồ sơ". Anh/chị làm gì? {
~Đọc mã để hợp tác
=Từ chối, cúp máy và tự gọi lại số chính thức của cơ quan
~Gửi mã qua tin nhắn
}
"""
RIGHT = ["Tr@ng-Bom_2026!xanh", "Từ chối, cúp máy và tự gọi lại số chính thức"]
# H5P's own multiple-choice example: "What color does the blackcurrant berry
# actually have?" — very dark purple (one point).
EXERCISE = "H5P.MultiChoice"
EXERCISE_ANSWER = "Very dark purple"


@pytest.fixture
def content_origin(live_server, settings):
    """H5P exercises on the other name of this machine: the platform is
    live_server.url (localhost), the content origin 127.0.0.1 on the same
    port, so the player runs on an origin of its own as in production."""
    port = urlparse(live_server.url).port
    settings.H5P_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    return settings.H5P_CONTENT_ORIGIN


def _world():
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    from certificates.demo import default_template, seed_issuers
    from courses.models import CourseIndexPage
    from elearning.people.models import Role
    from elearning.people.services import unit_files_load
    from quizzes.gift import parse
    from quizzes.models import QuestionCategory, QuizPage, QuizRandomDraw
    from quizzes.services import questions_import
    from tests.courses.conftest import make_course, make_lessons
    from tests.h5p.helpers import import_bytes, real_package

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    unit_files_load()
    seed_issuers()
    default_template()
    questions, errors = parse(BANK)
    assert questions_import(questions=questions, errors=errors).ok
    category = QuestionCategory.objects.get(name="Cuối khóa hành trình")
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    Site.objects.get(is_default_site=True).root_page.add_child(instance=index)
    exercise = import_bytes(
        real_package(EXERCISE), filename=f"{EXERCISE}.h5p", approve_libraries=True
    ).version
    course = make_course(
        index,
        code="ATTT-2026",
        title="An toàn thông tin năm 2026",
        require_lessons=True,
        require_quizzes=True,
        # The exercise must be answered right, as graded by the server.
        min_h5p_percent=100,
        h5p_server_scores_only=True,
    )
    lessons = make_lessons(course, 2)
    lessons[1].body = [
        ("paragraph", "<p>Nội dung bài 2.</p>"),
        ("h5p", exercise.content),
    ]
    for lesson in lessons:
        lesson.min_study_seconds = 30
        lesson.save_revision().publish()
    quiz = course.add_child(
        instance=QuizPage(
            title="Bài kiểm tra cuối khóa",
            slug="kiem-tra",
            time_limit_minutes=20,
            attempts_allowed=1,
            pass_mark=70,
            random_draws=[QuizRandomDraw(category=category, count=2)],
        )
    )
    quiz.save_revision().publish()
    course.save_revision().publish()
    return course, lessons, quiz, exercise


def _wait_for(check, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("the worker did not finish in time")


def test_import_study_certificate_verify_revoke(
    worker, page, phone_page, live_server, content_origin, time_machine, screenshot
):
    from certificates.models import Certificate
    from courses.h5p.models import H5PAttempt, H5PStatement, ScoreSource
    from courses.selectors import course_eligibility
    from courses.services import lesson_complete, lesson_study_beat
    from elearning.people.selectors import unit_on
    from tests.factories import make_person, make_ready, reauthenticate

    course, lessons, quiz, exercise = _world()
    commune = unit_on("26425")
    officer = make_person(
        role="officer",
        unit=commune,
        full_name="Lê Hoàng Đức",
        email="canbo@xuanloc.example.gov.vn",
    )

    # 1. The officer imports the commune's staff list; the worker runs it.
    sign_in_by_cookie(page, live_server, officer)
    page.goto(live_server.url + "/quan-ly/nhap-tu-tep/")
    page.set_input_files("input[type=file]", str(STAFF_FILE))
    page.select_option("select[name=course]", label=course.title)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("tất cả hợp lệ").wait_for(timeout=90_000)
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_text("Đã nhập xong.").wait_for(timeout=90_000)

    # 2. The learner studies every lesson (the page's heartbeats, through
    # the services they call; the phone journey drives them for real) …
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    learner = get_user_model().objects.get(email=LEARNER_EMAIL)
    make_ready(learner)
    sign_in_by_cookie(phone_page, live_server, learner)
    time_machine.move_to(timezone.now(), tick=True)
    for lesson in lessons:
        phone_page.goto(live_server.url + lesson.url)
        expect(
            phone_page.get_by_role("button", name="Đánh dấu đã học xong")
        ).to_be_visible()
        lesson_study_beat(learner=learner, lesson=lesson, visible=True)
        time_machine.shift(lesson.study_seconds_required + 1)
        lesson_study_beat(learner=learner, lesson=lesson, visible=True)
        phone_page.reload()
        phone_page.get_by_role("button", name="Đánh dấu đã học xong").click()
        expect(phone_page.get_by_text("Đã hoàn thành bài học")).to_be_visible()
    assert all(lesson_complete(learner=learner, lesson=lesson) for lesson in lessons)
    # The course still asks for the exercise.
    missing = course_eligibility(user=learner, course=course).requirements
    assert [(r.key, r.done) for r in missing if r.key == "h5p"] == [("h5p", False)]

    # … plays the H5P exercise in its player, from the content origin …
    phone_page.goto(live_server.url + lessons[1].url)
    frame = phone_page.locator("iframe.h5p-frame")
    frame.scroll_into_view_if_needed()
    assert frame.get_attribute("src").startswith(content_origin + "/h5p-embed/")
    player = phone_page.frame_locator("iframe.h5p-frame").frame_locator(
        "iframe.h5p-iframe"
    )
    player.get_by_role("radio", name=EXERCISE_ANSWER).click()
    player.get_by_role("button", name="Check").click()
    phone_page.frame_locator("iframe.h5p-frame").get_by_text(
        "Đã lưu kết quả."
    ).wait_for()
    # … and the server's own grading is what counts: 1 of 1, no disagreement
    # with what the player said.
    played = H5PAttempt.objects.get(
        learner=learner, version=exercise, finished_at__isnull=False
    )
    assert (played.raw_score, played.max_score, played.success) == (1, 1, True)
    assert (played.score_source, played.flagged) == (ScoreSource.SERVER, False)
    assert H5PStatement.objects.filter(outcome="rejected").count() == 0
    h5p = next(
        r
        for r in course_eligibility(user=learner, course=course).requirements
        if r.key == "h5p"
    )
    assert (h5p.done, h5p.progress) == (True, (1, 1))
    # The lesson shows what is recorded, and who graded it.
    phone_page.reload()
    expect(phone_page.locator(".h5p-recorded")).to_contain_text(
        "1/1 điểm (100 %, hệ thống chấm)"
    )
    player.get_by_role("radio", name=EXERCISE_ANSWER).wait_for()
    screenshot(phone_page, "journey_h5p_recorded_phone")
    assert not Certificate.objects.filter(learner=learner).exists()

    # … and passes the final quiz in the browser.
    phone_page.goto(live_server.url + quiz.url)
    phone_page.get_by_role("button", name="Bắt đầu làm bài").click()
    for answer in RIGHT:
        phone_page.locator(".quiz-choice", has_text=answer).click()
    # The learner hands in once the bar says "Đã lưu": a save still on its
    # way when the hand-in closes the attempt is answered 409 (the page
    # expects it; the form carries every answer), which Chromium logs.
    expect(phone_page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    phone_page.on("dialog", lambda dialog: dialog.accept())
    phone_page.get_by_role("button", name="Nộp bài").click()
    expect(phone_page.get_by_text("Đạt", exact=True).first).to_be_visible()

    # 3. The worker issues the certificate and renders its PDF.
    certificate = _wait_for(
        lambda: (
            Certificate.objects.filter(learner=learner, course=course)
            .exclude(pdf_sha256="")
            .first()
        )
    )
    assert certificate.unit == commune

    # 4. The learner downloads it; its QR code opens the verify page.
    phone_page.goto(live_server.url + "/certificates/")
    link = phone_page.get_by_role("link", name="Tải PDF").first
    with phone_page.expect_download() as download:
        link.click()
    pdf = Path(download.value.path()).read_bytes()
    images = [i.image for i in PdfReader(io.BytesIO(pdf)).pages[0].images]
    decoded = [r.text for image in images for r in zxingcpp.read_barcodes(image)]
    assert decoded == [certificate.get_verification_url()]
    phone_page.goto(decoded[0])
    expect(phone_page.get_by_text("Giấy chứng nhận còn hiệu lực.")).to_be_visible()
    expect(phone_page.locator("main")).to_contain_text(certificate.number)
    screenshot(phone_page, "journey_verify_valid_phone")

    # 5. A province admin revokes it; the verify page says so.
    admin = make_person(
        role="admin",
        unit=unit_on("75"),
        full_name="Quản trị tỉnh",
        email="quantri@skhcn.example.gov.vn",
    )
    client = Client()
    client.force_login(admin)
    reauthenticate(client)
    session = client.session
    session["allauth_mfa_authenticated"] = True  # as after the TOTP step
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )
    page.goto(f"{live_server.url}/certificates/{certificate.pk}/")
    assert page.url.endswith(f"/certificates/{certificate.pk}/"), page.url
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=reason]", "Cấp nhầm người trong kiểm thử.")
    page.get_by_role("button", name="Thu hồi", exact=True).click()
    expect(page.get_by_text("Đã thu hồi giấy chứng nhận.")).to_be_visible()
    phone_page.goto(decoded[0])
    expect(phone_page.get_by_text("Giấy chứng nhận đã thu hồi.")).to_be_visible()
    screenshot(phone_page, "journey_verify_revoked_phone")
    # H5P core probes localStorage; Chromium refuses it to the player (the
    # content origin is another site) and H5P carries on.
    for browser_page in (page, phone_page):
        errors = browser_page.watch.console_errors
        assert [e for e in errors if "'localStorage'" not in e] == []
        assert browser_page.watch.foreign_requests == []
