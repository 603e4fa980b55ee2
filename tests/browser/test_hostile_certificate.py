"""A learner on a phone tries to reach a certificate without learning: quick
"done" clicks on every lesson, blank attempts at the final quiz to read its
answers, and a forged H5P statement (full marks claimed for a wrong answer,
sent from the exercise's own page). None works; then the learner studies,
answers the exercise in the player and passes the quiz, and the certificate
is issued."""

from __future__ import annotations

import time

import pytest

from certificates.demo import seed_issuers
from certificates.models import Certificate, CertificateTemplate
from courses.models import Enrolment, LessonProgress, LessonStudy
from quizzes.models import Attempt
from tests.courses.conftest import make_lessons
from tests.quizzes import conftest as quiz_fixtures

from . import test_h5p
from .test_h5p import sign_in

# The quiz fixtures, shared with tests/quizzes/.
bank = quiz_fixtures.bank
base_data = quiz_fixtures.base_data
course = quiz_fixtures.course
enrolled = quiz_fixtures.enrolled
gift_source = quiz_fixtures.gift_source
# The platform on 127.0.0.1, H5P content on localhost.
two_origins = test_h5p.two_origins

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def final_course(bank, course):
    """Two lessons, the first with H5P's own true/false exercise ("Oslo is
    the capital of Norway." — Yes), which must be passed (server-graded
    scores only), and the final quiz."""
    from tests.h5p.helpers import import_bytes, real_package

    exercise = import_bytes(
        real_package("H5P.TrueFalse"),
        filename="H5P.TrueFalse.h5p",
        approve_libraries=True,
    ).version
    course.min_h5p_percent = 100
    course.h5p_server_scores_only = True
    course.save_revision().publish()
    lessons = make_lessons(course, 2)
    lessons[0].body = [("h5p", exercise.content)]
    for lesson in lessons:
        lesson.min_study_seconds = 30
        lesson.save_revision().publish()
    quiz = quiz_fixtures.make_quiz(course)  # 10 questions, 3 attempts, counts
    template = CertificateTemplate.objects.create(name="Mặc định", is_default=True)
    template.save_revision(log_action=False)
    seed_issuers()  # a transactional test's flush took the migration's rows
    return lessons, quiz, exercise


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


def forge(phone, content_origin, statement) -> dict:
    """Send ``statement`` from the exercise's own page, as an edited request
    would."""
    (embed,) = [f for f in phone.frames if f.url.startswith(content_origin)]
    return embed.evaluate(
        """(statement) => fetch(
            document.getElementById('h5p-container').dataset.xapiUrl,
            {method: 'POST', body: JSON.stringify(statement),
             headers: {'Content-Type': 'application/json'}}
        ).then((r) => r.json())""",
        statement,
    )


def test_no_certificate_without_learning_then_one_after(
    phone_page, live_server, two_origins, enrolled, final_course, time_machine
):
    from django.utils import timezone

    from courses.h5p.models import H5PAttempt
    from courses.h5p.services import content_iri

    time_machine.move_to(timezone.now(), tick=True)
    lessons, quiz, exercise = final_course
    base, content_origin = two_origins
    phone = phone_page
    sign_in(phone, enrolled, base)

    # 1. "Done" on every lesson as soon as it opens: refused, nothing recorded.
    for lesson in lessons:
        phone.goto(base + lesson.url)
        phone.get_by_role("button", name="Đánh dấu đã học xong").click()
        phone.get_by_text("Cần học thêm").first.wait_for()
    assert not LessonProgress.objects.filter(enrolment__learner=enrolled).exists()

    # 2. Full marks claimed for the wrong answer: the server's 0, flagged.
    phone.goto(base + lessons[0].url)
    phone.frame_locator("iframe.h5p-frame").frame_locator(
        "iframe.h5p-iframe"
    ).get_by_role("radio", name="Yes").wait_for()
    answer = forge(
        phone,
        content_origin,
        {
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": content_iri(exercise)},
            "result": {"score": {"raw": 1, "max": 1}, "response": "false"},
        },
    )
    assert answer["success"]
    forged = H5PAttempt.objects.get(version=exercise, learner=enrolled)
    assert (forged.raw_score, forged.flagged) == (0, True)

    # 3. Two blank attempts to read the answers: nothing that gives them away.
    for _ in range(2):
        phone.goto(base + quiz.url)
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

    # 4. Studying: each lesson on screen for half a minute (the server's clock
    # moved; the page's next heartbeat credits it and marks the lesson done).
    for lesson in lessons:
        phone.goto(base + lesson.url)
        phone.get_by_role("button", name="Đánh dấu đã học xong").click()
        time_machine.shift(31)
        phone.locator("[data-done-status]").get_by_text(
            "Đã hoàn thành bài học"
        ).wait_for(timeout=30_000)
    assert LessonStudy.objects.filter(learner=enrolled).count() == 2

    # The exercise answered in the player: the server's 1/1.
    phone.goto(base + lessons[0].url)
    player = phone.frame_locator("iframe.h5p-frame").frame_locator("iframe.h5p-iframe")
    player.get_by_role("radio", name="Yes").click()
    player.get_by_role("button", name="Check").click()
    phone.frame_locator("iframe.h5p-frame").get_by_text("Đã lưu kết quả.").wait_for()
    played = H5PAttempt.objects.filter(version=exercise, learner=enrolled).latest("pk")
    assert (played.raw_score, played.flagged) == (1, False)

    # 5. The last attempt, answered by someone who learned the answers.
    phone.goto(base + quiz.url)
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

    # 6. The certificate is issued with its PDF, and the learner finds it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        certificate = Certificate.objects.filter(learner=enrolled).first()
        if certificate is not None and certificate.pdf_sha256:
            break
        time.sleep(0.5)
    assert certificate is not None and certificate.pdf_sha256
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    phone.goto(base + "/certificates/")
    assert certificate.number in phone.content()
