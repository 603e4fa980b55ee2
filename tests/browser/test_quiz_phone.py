"""The quiz on a phone: a choice is chosen by tapping anywhere on its row
(at least 44 px high), not only its 16 px radio and short label."""

import pytest

from quizzes.services import attempt_start
from tests.quizzes import conftest as quiz_fixtures

from .conftest import sign_in_by_cookie

# The quiz fixtures, shared with tests/quizzes/.
bank = quiz_fixtures.bank
base_data = quiz_fixtures.base_data
course = quiz_fixtures.course
enrolled = quiz_fixtures.enrolled
gift_source = quiz_fixtures.gift_source
quiz = quiz_fixtures.quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_row_is_the_tap_target(
    base_data, quiz, enrolled, phone_page, live_server, axe_violations, screenshot
):
    sign_in_by_cookie(phone_page, live_server, enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    phone_page.goto(f"{live_server.url}/quizzes/attempts/{attempt.pk}/")
    answer = next(
        a
        for a in attempt.answers.order_by("slot")
        if a.snapshot["type"] in ("single", "true_false", "multiple")
    )
    key = answer.snapshot["choices"][-1]["key"]
    box = phone_page.locator(f"#q{answer.question_id}-{key}")
    row = phone_page.locator(".quiz-choice", has=box)
    bounds = row.bounding_box()
    assert bounds["height"] >= 44
    assert bounds["width"] > 300  # the row spans the phone's width
    # A tap on the far end of the row, away from the radio and its text.
    row.click(position={"x": bounds["width"] - 8, "y": bounds["height"] / 2})
    assert box.is_checked()
    screenshot(phone_page, "quiz_choices_phone")
    assert axe_violations(phone_page) == []
    assert phone_page.watch.console_errors == []
