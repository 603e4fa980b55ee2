"""Numerical, essay and formatted questions in a real browser: the phone's
decimal keyboard, autosave of a typed number and an essay, a description
without input, <pre> kept, no accessibility violation."""

import pytest
from playwright.sync_api import expect

from quizzes import gift
from quizzes.models import (
    AttemptAnswer,
    Question,
    QuestionCategory,
    QuizFixedQuestion,
    QuizRandomDraw,
)
from quizzes.services import attempt_start, questions_import
from tests.quizzes import conftest as quiz_fixtures

from .conftest import sign_in_by_cookie

base_data = quiz_fixtures.base_data
course = quiz_fixtures.course
enrolled = quiz_fixtures.enrolled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = (
    "$CATEGORY: Loại câu hỏi\n\n"
    "::Đọc:: [html]<p>Đọc đoạn mã sau:</p>\n<pre>\n  if (a) \\{\n      b();\n  \\}\n</pre>\n\n"
    "::Số:: Độ dài mật khẩu tối thiểu là bao nhiêu ký tự? {#12:0.5}\n\n"
    "::Tự luận:: Nêu các bước khi nghi máy bị nhiễm mã độc. {}\n"
)


def test_number_and_essay_autosave_on_a_phone(
    base_data, course, enrolled, phone_page, live_server, axe_violations, screenshot
):
    questions, errors = gift.parse(BANK)
    assert errors == []
    questions_import(questions=questions)
    category = QuestionCategory.objects.get(name="Loại câu hỏi")
    quiz = quiz_fixtures.make_quiz(
        course,
        counts_for_completion=False,
        shuffle_questions=False,
        fixed_questions=[
            QuizFixedQuestion(question=Question.objects.get(title="Đọc")),
            QuizFixedQuestion(question=Question.objects.get(title="Tự luận")),
        ],
        random_draws=[QuizRandomDraw(category=category, count=1)],
    )
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    number = attempt.answers.get(snapshot__type="numerical")
    essay = attempt.answers.get(snapshot__type="essay")
    page = phone_page
    sign_in_by_cookie(page, live_server, enrolled)
    page.goto(f"{live_server.url}/quizzes/attempts/{attempt.pk}/")
    assert "  if (a) {\n      b();\n  }" in page.locator("pre").inner_text()
    box = page.locator(f"#q{number.question_id}-text")
    assert box.get_attribute("inputmode") == "decimal"
    box.fill("12,5")
    page.locator(f"#q{essay.question_id}-text").fill("Ngắt mạng.\nBáo cán bộ.")
    status = page.locator("#quiz-save-status")
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelector('#quiz-save-status').dataset.state === 'saved'"
    )
    for _ in range(30):
        if AttemptAnswer.objects.get(pk=essay.pk).response:
            break
        page.wait_for_timeout(500)
    assert AttemptAnswer.objects.get(pk=number.pk).response == {"text": "12,5"}
    assert AttemptAnswer.objects.get(pk=essay.pk).response == {
        "text": "Ngắt mạng.\nBáo cán bộ."
    }
    screenshot(page, "quiz_types_phone")
    assert page.watch.console_errors == []
    assert axe_violations(page) == []
