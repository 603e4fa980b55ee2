"""A learner on a phone tries to reach a certificate without learning: quick
"done" clicks on every lesson and blank attempts at the final quiz to read
its answers. Neither works; then the learner studies and passes, and the
certificate is issued.

(A forged H5P statement is the H5P issue's: the server re-grading what the
player sends. This course has no exercise.)"""

from __future__ import annotations

import time

import pytest

from certificates.demo import seed_issuers
from certificates.models import Certificate, CertificateTemplate
from courses.models import Enrolment, LessonProgress, LessonStudy
from quizzes.models import Attempt
from tests.courses.conftest import make_lessons
from tests.quizzes import conftest as quiz_fixtures

from .conftest import sign_in_by_cookie

# The quiz fixtures, shared with tests/quizzes/.
bank = quiz_fixtures.bank
base_data = quiz_fixtures.base_data
course = quiz_fixtures.course
enrolled = quiz_fixtures.enrolled
gift_source = quiz_fixtures.gift_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


login = sign_in_by_cookie


@pytest.fixture
def final_course(bank, course):
    lessons = make_lessons(course, 2)
    for lesson in lessons:
        lesson.min_study_seconds = 30
        lesson.save_revision().publish()
    quiz = quiz_fixtures.make_quiz(course)  # 10 questions, 3 attempts, counts
    template = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    template.save_revision(log_action=False)
    seed_issuers()  # a transactional test's flush took the migration's rows
    return lessons, quiz


def correct_texts(attempt) -> set[str]:
    return {
        c["text"]
        for answer in attempt.answers.all()
        for c in answer.snapshot["choices"]
        if float(c["fraction"]) > 0
    }


def submit(phone):
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Nộp bài").click()
    phone.wait_for_url("**/result/")


def test_no_certificate_without_learning_then_one_after(
    phone_page, live_server, enrolled, final_course, time_machine
):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=True)
    lessons, quiz = final_course
    phone = phone_page
    login(phone, live_server, enrolled)

    # 1. "Done" on every lesson as soon as it opens: refused, nothing recorded.
    for lesson in lessons:
        phone.goto(live_server.url + lesson.url)
        phone.get_by_role("button", name="Đánh dấu đã học xong").click()
        phone.get_by_text("Cần học thêm").first.wait_for()
    assert not LessonProgress.objects.filter(enrolment__learner=enrolled).exists()

    # 2. Two blank attempts to read the answers: nothing that gives them away.
    for _ in range(2):
        phone.goto(live_server.url + quiz.url)
        phone.get_by_role("button", name="Bắt đầu làm bài").click()
        submit(phone)
        html = phone.content()
        attempt = Attempt.objects.filter(learner=enrolled).latest("number")
        assert "đáp án đúng" not in html.lower()
        assert "✓" not in html and " / 1<" not in html
        assert not any(f'fw-semibold">{t}' in html for t in correct_texts(attempt))
    assert not Certificate.objects.filter(learner=enrolled).exists()
    enrolment = Enrolment.objects.get(learner=enrolled, course=quiz.get_parent())
    assert enrolment.status != Enrolment.Status.COMPLETED

    # 3. Studying: each lesson on screen for half a minute (the server's clock
    # moved; the page's next heartbeat credits it and marks the lesson done).
    for lesson in lessons:
        phone.goto(live_server.url + lesson.url)
        phone.get_by_role("button", name="Đánh dấu đã học xong").click()
        time_machine.shift(31)
        phone.locator("[data-done-status]").get_by_text(
            "Đã hoàn thành bài học"
        ).wait_for(timeout=30_000)
    assert LessonStudy.objects.filter(learner=enrolled).count() == 2

    # 4. The last attempt, answered by someone who learned the answers.
    phone.goto(live_server.url + quiz.url)
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    phone.wait_for_url("**/attempts/*/")
    attempt = Attempt.objects.get(learner=enrolled, number=3)
    for answer in attempt.answers.order_by("slot"):
        right = max(answer.snapshot["choices"], key=lambda c: float(c["fraction"]))
        if answer.snapshot["type"] == "multiple":
            for c in answer.snapshot["choices"]:
                if float(c["fraction"]) > 0:
                    phone.locator(f"#q{answer.question_id}-{c['key']}").check()
        elif answer.snapshot["type"] == "short":
            phone.locator(f"#q{answer.question_id}-text").fill(right["text"])
        elif answer.snapshot["type"] == "matching":
            for c in answer.snapshot["choices"]:
                phone.locator(f"#q{answer.question_id}-{c['key']}").select_option(
                    label=c["match"]
                )
        else:
            phone.locator(f"#q{answer.question_id}-{right['key']}").check()
    submit(phone)
    assert "Đạt" in phone.content()

    # 5. The certificate is issued with its PDF, and the learner finds it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        certificate = Certificate.objects.filter(learner=enrolled).first()
        if certificate is not None and certificate.pdf_sha256:
            break
        time.sleep(0.5)
    assert certificate is not None and certificate.pdf_sha256
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    phone.goto(live_server.url + "/certificates/")
    assert certificate.number in phone.content()
