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


def _open(phone_page, live_server, attempt, seconds_left: int):
    import datetime

    from django.utils import timezone

    type(attempt).objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=seconds_left)
    )
    phone_page.goto(f"{live_server.url}/quizzes/attempts/{attempt.pk}/")


def test_time_warnings_unanswered_questions_and_the_automatic_submit(
    base_data, quiz, enrolled, phone_page, live_server, axe_violations, screenshot
):
    from playwright.sync_api import expect

    sign_in_by_cookie(phone_page, live_server, enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    warning = phone_page.locator("#quiz-time-warning")

    _open(phone_page, live_server, attempt, 8 * 60)
    expect(warning).to_be_hidden()

    _open(phone_page, live_server, attempt, 4 * 60)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Còn 5 phút")
    expect(phone_page.locator("#quiz-timer-announce")).to_have_text("Còn 5 phút.")
    assert axe_violations(phone_page) == []

    _open(phone_page, live_server, attempt, 50)
    expect(warning).to_contain_text("Còn 1 phút!")
    expect(phone_page.locator("#quiz-timer-announce")).to_have_text("Còn 1 phút.")

    # Submit with one answer given: the confirmation names the others.
    slots = attempt.answers.count()
    phone_page.locator(".quiz-question").first.locator(".quiz-choice").first.click()
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    phone_page.once("dialog", refuse)
    phone_page.get_by_role("button", name="Nộp bài").click()
    expect(phone_page.locator("#quiz-form")).to_be_visible()
    missing = ", ".join(str(n) for n in range(2, slots + 1))
    assert asked and asked[0].startswith(
        f"Còn {slots - 1} câu chưa trả lời: {missing}."
    ), asked
    screenshot(phone_page, "quiz_one_minute_left_phone")

    # Time runs out: the page hands the attempt in and says so.
    _open(phone_page, live_server, attempt, 3)
    phone_page.wait_for_url(f"**/quizzes/attempts/{attempt.pk}/result/?het-gio=1")
    expect(phone_page.locator("#quiz-timed-out")).to_contain_text(
        "Đã hết thời gian làm bài."
    )
    screenshot(phone_page, "quiz_timed_out_phone")
    assert axe_violations(phone_page) == []
    assert phone_page.watch.console_errors == []
