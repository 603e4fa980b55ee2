"""Essay and numerical questions from a trainer's GIFT file to the learner's
grade, in Chromium.

1. A trainer signs in (password, then the code of their authenticator app),
   imports a GIFT file in the Wagtail admin, checks the preview and
   confirms; then builds a quiz of their course with those questions in the
   page editor and submits it for approval (a province admin approves it).
2. A learner, on a phone, answers the numbers with a decimal comma and
   writes the essay; the attempt waits for its mark ("đang chờ chấm").
3. The trainer marks the essay from the grading queue.
4. The learner reads the grade and the trainer's comment.

The database is checked at each step: questions written only on confirm,
the attempt's state and score, the audit log of the marking, the email.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from courses.authoring import course_authoring_setup
from courses.models import Enrolment
from quizzes.models import Attempt, Question, QuestionCategory, QuizPage
from tests.factories import DEFAULT_PASSWORD, make_person, verify_email
from tests.quizzes import conftest as quiz_fixtures

base_data = quiz_fixtures.base_data
course = quiz_fixtures.course

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GIFT = """\
// Ngân hàng câu hỏi của khóa ATTT cơ bản: phần tự luận và tính toán.
$CATEGORY: ATTT cơ bản/Ứng phó sự cố

::Ứng phó mã độc:: Trình bày các bước anh/chị thực hiện khi phát hiện máy \
tính ở cơ quan bị nhiễm mã độc tống tiền. {}

::Dung lượng sao lưu:: Tệp sao lưu 3 GB được nén còn một nửa. Tệp nén \
nặng bao nhiêu GB? {#1.5:0.1}

::Thời hạn báo cáo:: Sự cố phải được báo cáo trong khoảng từ 1 đến 2 giờ. \
Nhập một thời hạn hợp lệ (giờ). {#1..2}
"""

ESSAY = (
    "Ngắt kết nối mạng của máy bị nhiễm.\n"
    "Báo ngay cán bộ phụ trách công nghệ thông tin.\n"
    "Không trả tiền chuộc, không tự cài lại máy."
)
COMMENT = "Đúng các bước chính; cần nêu thêm việc giữ nguyên hiện trường."


def sign_in(page, live_server, user, *, totp: bool) -> None:
    """Through the real pages: the password, then the authenticator code."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    if totp:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Mã", exact=True).fill(current_code(user))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def current_code(user) -> str:
    """What the trainer's authenticator app shows now. The server accepts
    the current period's code only (no tolerance): near the end of a period,
    wait for the next one, as a person would."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.1)
    secret = decrypt(user.authenticator_set.get(type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def test_essay_and_numbers_from_import_to_grade(
    page,
    phone_page,
    live_server,
    course,
    trainer,
    learner,
    axe_violations,
    screenshot,
    tmp_path,
    settings,
):
    settings.SITE_URL = live_server.url  # the links emails carry
    # The course is the trainer's; trainers author under the catalogue.
    course.owner = trainer
    course.save(update_fields=["owner"])
    course_authoring_setup(index=course.get_parent())
    Enrolment.objects.create(learner=learner, course=course)
    for person in (trainer, learner):
        verify_email(person)
    gift_file = tmp_path / "tu-luan-va-tinh-toan.gift"
    gift_file.write_text(GIFT, encoding="utf-8")

    # 1. The trainer imports the file: preview first, nothing written.
    sign_in(page, live_server, trainer, totp=True)
    page.goto(live_server.url + reverse("quizzes_admin:import"))
    page.set_input_files("input[type=file]", str(gift_file))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    preview = page.locator("main")
    expect(preview.get_by_role("heading", name="Xem trước")).to_be_visible()
    expect(preview).to_contain_text("Tệp có 3 câu hỏi: 3 câu mới")
    expect(
        preview.get_by_role("heading", name="Tự luận · Ứng phó mã độc")
    ).to_be_visible()
    expect(preview).to_contain_text("[khung viết bài tự luận]")
    expect(preview).to_contain_text("[ô nhập số]")
    expect(preview).to_contain_text("Đáp án đúng: 1,5 ± 0,1")
    expect(preview).to_contain_text("Đáp án đúng: 1,5 ± 0,5")  # {#1..2}
    assert not Question.objects.exists()
    assert axe_violations(page) == []
    screenshot(page, "essay_journey_import_preview")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("main")).to_contain_text("Đã nhập 3 câu hỏi mới")
    category = QuestionCategory.objects.get(name="Ứng phó sự cố")
    assert category.path == "ATTT cơ bản/Ứng phó sự cố"
    essay = Question.objects.get(category=category, qtype="essay")
    backup = Question.objects.get(title="Dung lượng sao lưu")
    deadline = Question.objects.get(title="Thời hạn báo cáo")
    assert (backup.qtype, deadline.qtype) == ("numerical", "numerical")
    ((value, tolerance),) = backup.choices.values_list("text", "tolerance")
    assert (Decimal(value), tolerance) == (Decimal("1.5"), Decimal("0.1"))
    ((value, tolerance),) = deadline.choices.values_list("text", "tolerance")
    assert (Decimal(value), tolerance) == (Decimal("1.5"), Decimal("0.5"))
    assert ModelLogEntry.objects.filter(
        action="quizzes.questions_imported", user=trainer
    ).exists()

    # The trainer puts the questions into a quiz through the admin: a new
    # quiz of their course in the page editor, three fixed questions picked
    # with the chooser, sent for approval ("Gửi duyệt").
    page.goto(
        live_server.url
        + reverse("wagtailadmin_pages:add", args=["quizzes", "quizpage", course.pk])
    )
    page.locator("#id_title").fill("Bài kiểm tra cuối khóa: ứng phó sự cố")
    for question in (essay, backup, deadline):
        page.get_by_role("button", name="câu hỏi cố định").click()
        page.locator("[data-chooser-action-choose]").last.click()
        modal = page.locator(".modal")
        modal.get_by_role("link", name=question.title).click()
        expect(modal).to_be_hidden()
    screenshot(page, "essay_journey_quiz_editor")
    # The course catalogue's workflow, "Duyệt khóa học" (Wagtail labels the
    # button "Thực hiện Duyệt khóa học").
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        "Bài kiểm tra cuối khóa: ứng phó sự cố"
    )
    quiz = QuizPage.objects.get()
    assert not quiz.live
    assert quiz.current_workflow_state.workflow.name == "Duyệt khóa học"
    # A province admin approves it, through Wagtail's workflow API (the
    # reviewer's screens: tests/test_wagtail_admin_i18n.py).
    admin = make_person(
        role="admin",
        unit=trainer.profile.unit,
        full_name="Quản trị tỉnh",
        email="quantri@skhcn.example.gov.vn",
    )
    quiz.current_workflow_task_state.approve(user=admin)
    quiz.refresh_from_db()
    assert quiz.live
    assert [f.question for f in quiz.fixed_questions.order_by("sort_order")] == [
        essay,
        backup,
        deadline,
    ]

    # 2. The learner, on a phone, answers with decimal commas and an essay.
    phone = phone_page
    sign_in(phone, live_server, learner, totp=False)
    phone.goto(live_server.url + quiz.url)
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    attempt = Attempt.objects.get(learner=learner, quiz=quiz)
    # Typed on the phone's keyboard, then on to the next box: leaving a box
    # fires "change" with what the typing already recorded.
    for question in (backup, deadline):
        box = phone.locator(f"#q{question.pk}-text")
        assert box.get_attribute("inputmode") == "decimal"
        box.tap()
        box.press_sequentially("1,5")
    phone.locator(f"#q{essay.pk}-text").tap()
    phone.locator(f"#q{essay.pk}-text").fill(ESSAY)
    phone.wait_for_timeout(1_000)  # past the typing pause (600 ms) of every box
    expect(phone.locator("#quiz-save-status")).to_have_attribute("data-state", "saved")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Nộp bài").click()
    phone.wait_for_url(f"**/quizzes/attempts/{attempt.pk}/result/")
    card = phone.locator("main .card").first
    expect(card).to_contain_text("Điểm: đang chờ chấm")
    expect(card).not_to_contain_text("%")
    expect(phone.locator("main")).to_contain_text("Ngắt kết nối mạng của máy")
    assert axe_violations(phone) == []
    screenshot(phone, "essay_journey_pending_phone")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.grading_pending
    assert (attempt.score, attempt.passed) == (None, None)
    points = dict(attempt.answers.values_list("question_id", "points"))
    assert points == {essay.pk: None, backup.pk: 1, deadline.pk: 1}
    assert attempt.answers.get(question=essay).response == {"text": ESSAY}
    # Each answer saved once while typing: leaving a box, or tapping "Nộp
    # bài", sends nothing again.
    assert set(attempt.answers.values_list("version", flat=True)) == {1}
    phone.goto(live_server.url + quiz.url)
    expect(phone.locator("main")).to_contain_text("đang chờ chấm")
    expect(phone.locator("main")).not_to_contain_text("Điểm của anh/chị")

    # 3. The trainer marks the essay from the queue: half a point.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Chấm bài tự luận").click()
    queue = page.locator("main")
    expect(queue.get_by_role("heading", name="Ứng phó mã độc")).to_be_visible()
    expect(queue).to_contain_text(learner.profile.full_name)
    assert axe_violations(page) == []
    queue.get_by_role("link", name="Chấm").click()
    expect(page.locator("main")).to_contain_text("Không trả tiền chuộc")
    page.get_by_label("Điểm").fill("0,5")
    page.get_by_label("Nhận xét cho học viên").fill(COMMENT)
    assert axe_violations(page) == []
    screenshot(page, "essay_journey_grade")
    page.get_by_role("button", name="Lưu điểm").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu điểm và nhận xét.")
    expect(page.locator("main")).to_contain_text(
        "Không có bài tự luận nào đang chờ chấm."
    )
    attempt.refresh_from_db()
    assert not attempt.grading_pending
    assert attempt.score == Decimal("83.33")  # (0,5 + 1 + 1) / 3
    assert attempt.passed is True
    marked = attempt.answers.get(question=essay)
    assert (marked.points, marked.comment, marked.graded_by) == (
        Decimal("0.5"),
        COMMENT,
        trainer,
    )
    entry = ModelLogEntry.objects.get(action="quizzes.essay_graded")
    assert entry.user == trainer
    assert entry.data["points"] == "0.5" and entry.data["score"] == "83.33"
    # The course's one quiz is passed: the course is completed and its
    # certificate issued (the course has no lessons yet).
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert Certificate.objects.get(learner=learner, course=course).score == Decimal(
        "83.33"
    )
    (notice,) = [m for m in mail.outbox if "tự luận" in m.subject]
    assert notice.to == [learner.email]
    assert notice.subject == "Bài tự luận của anh/chị đã được chấm"
    assert COMMENT in notice.body and "83,33%" in notice.body
    result_url = live_server.url + reverse("quizzes:result", args=[attempt.pk])
    assert result_url in notice.body

    # 4. The learner follows the email's link: the grade and the comment.
    phone.goto(result_url)
    main = phone.locator("main")
    expect(main).to_contain_text("Điểm: 83,33 %")
    expect(main).to_contain_text("Đạt")
    expect(main).not_to_contain_text("đang chờ chấm")
    expect(main).to_contain_text("Điểm: 0,5 / 1")
    expect(main).to_contain_text(f"Nhận xét của giảng viên: {COMMENT}")
    assert axe_violations(phone) == []
    screenshot(phone, "essay_journey_graded_phone")
    phone.goto(live_server.url + quiz.url)
    expect(phone.locator("main")).to_contain_text("Điểm của anh/chị: 83,33 %")

    for browser_page in (page, phone):
        assert browser_page.watch.errors_besides_refused_autosaves() == []
        assert browser_page.watch.foreign_requests == []
