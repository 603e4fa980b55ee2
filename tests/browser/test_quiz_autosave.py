"""Autosave survives a lost connection: answers wait in localStorage and are
sent when the phone is back online; the database ends with every answer."""

import pytest
from playwright.sync_api import expect

from quizzes.models import AttemptAnswer
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


login = sign_in_by_cookie


def pick(page, answer, index):
    key = answer.snapshot["choices"][index]["key"]
    page.locator(f"#q{answer.question_id}-{key}").check()
    return key


def test_answers_made_offline_are_saved_when_back_online(
    base_data, quiz, enrolled, phone_page, live_server, axe_violations, screenshot
):
    page = phone_page
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answers = list(
        attempt.answers.filter(snapshot__type__in=["single", "true_false"]).order_by(
            "slot"
        )
    )
    login(page, live_server, enrolled)
    page.goto(f"{live_server.url}/quizzes/attempts/{attempt.pk}/")
    status = page.locator("#quiz-save-status")
    assert status.inner_text() == "Đã lưu"
    assert page.locator("#quiz-timer").inner_text().startswith(("19:", "20:"))

    first = pick(page, answers[0], 0)
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    saved = AttemptAnswer.objects.get(pk=answers[0].pk)
    assert saved.response == {"choice": first} and saved.version == 1

    page.context.set_offline(True)
    second = pick(page, answers[1], 1)
    third = pick(page, answers[2], 0)
    first_again = pick(page, answers[0], 1)
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "offline", timeout=15_000
    )
    assert "Chưa lưu" in status.inner_text()
    assert AttemptAnswer.objects.get(pk=answers[1].pk).response is None
    screenshot(page, "quiz_attempt_offline")

    page.context.set_offline(False)
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    assert AttemptAnswer.objects.get(pk=answers[0].pk).response == {
        "choice": first_again
    }
    assert AttemptAnswer.objects.get(pk=answers[1].pk).response == {"choice": second}
    assert AttemptAnswer.objects.get(pk=answers[2].pk).response == {"choice": third}
    assert (
        page.evaluate(f"localStorage.getItem('quiz-attempt-{attempt.pk}-pending')")
        == "{}"
    )
    # The saves tried while offline fail in the browser's network layer, which
    # logs them; that is expected. Anything else (a 500 on a save) is not.
    offline = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
    assert [e for e in page.watch.console_errors if e != offline] == []
    assert page.watch.foreign_requests == []
    assert axe_violations(page) == []


def test_unsent_answers_survive_a_reload(base_data, quiz, enrolled, page, live_server):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.filter(snapshot__type="single").order_by("slot").first()
    login(page, live_server, enrolled)
    url = f"{live_server.url}/quizzes/attempts/{attempt.pk}/"
    page.goto(url)
    page.context.set_offline(True)
    key = pick(page, answer, 2)
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "offline", timeout=15_000
    )
    # Back online, but the save sent on the "online" event fails too; the
    # answer is still queued when the learner reloads.
    page.route("**/save/", lambda route: route.abort())
    page.context.set_offline(False)
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "unsaved", timeout=15_000
    )
    assert AttemptAnswer.objects.get(pk=answer.pk).response is None
    page.unroute("**/save/")
    # The reload restores the queued answer from localStorage and sends it.
    page.reload()
    expect(page.locator("#quiz-save-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    assert page.locator(f"#q{answer.question_id}-{key}").is_checked()
    assert AttemptAnswer.objects.get(pk=answer.pk).response == {"choice": key}


def test_a_reload_racing_a_save_still_shows_the_answer(
    base_data, quiz, enrolled, page, live_server
):
    """A reload can be answered with a page rendered just before a save was
    committed, while the save's reply still reaches the old page and empties
    the queue. The new page must show the saved answer all the same."""
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.filter(snapshot__type="single").order_by("slot").first()
    login(page, live_server, enrolled)
    url = f"{live_server.url}/quizzes/attempts/{attempt.pk}/"
    before_the_save = page.context.request.get(url)
    assert before_the_save.ok
    page.goto(url)
    key = pick(page, answer, 1)
    status = page.locator("#quiz-save-status")
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    assert AttemptAnswer.objects.get(pk=answer.pk).response == {"choice": key}

    # The reload gets the page as it was rendered before the save.
    page.route(url, lambda route: route.fulfill(response=before_the_save))
    page.reload()
    assert page.locator(f"#q{answer.question_id}-{key}").is_checked()
    expect(status).to_have_attribute("data-state", "saved")
    page.unroute(url)

    # A page that shows the answer itself ends the browser's copy.
    saved_key = f"quiz-attempt-{attempt.pk}-saved"
    kept = f"JSON.parse(localStorage.getItem('{saved_key}') || 'null')"
    question = str(answer.question_id)
    assert page.evaluate(kept)[question]["response"] == {"choice": key}
    page.reload()
    assert page.locator(f"#q{answer.question_id}-{key}").is_checked()
    assert page.evaluate(kept) == {}
    assert AttemptAnswer.objects.get(pk=answer.pk).version == 1

    # Graded, the attempt leaves nothing behind in the browser.
    key = pick(page, answer, 0)
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    assert page.evaluate(kept)[question]["response"] == {"choice": key}
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator("#quiz-result")).to_be_visible()
    # The heading shows while the page's script is still being fetched; the
    # load event comes after it has run.
    page.wait_for_load_state("load")
    assert page.evaluate(kept) is None
    assert AttemptAnswer.objects.get(pk=answer.pk).response == {"choice": key}
