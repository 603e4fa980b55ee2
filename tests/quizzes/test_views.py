import json

import pytest
from django.urls import reverse

from quizzes.models import Attempt, AttemptAnswer, Choice, Question, QuestionCategory
from quizzes.services import attempt_start
from tests.factories import DEFAULT_PASSWORD

from .conftest import correct_response

pytestmark = pytest.mark.integration


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def save(client, attempt, question_id, response, version):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(
            {"question": question_id, "response": response, "version": version}
        ),
        content_type="application/json",
    )


def test_quiz_page_start_attempt_and_result(quiz, enrolled, client_of):
    client = client_of(enrolled)
    page = client.get(quiz.url)
    assert page.status_code == 200
    assert "Bắt đầu làm bài" in page.content.decode()
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
    body = client.get(response.url).content.decode()
    assert body.count('class="card mb-3 quiz-question"') == 10
    assert 'aria-live="polite"' in body and "Đã lưu" in body
    # No correct answer leaks into the attempt page.
    assert '"fraction"' not in body and "đáp án đúng" not in body
    for answer in attempt.answers.all():
        reply = save(
            client, attempt, answer.question_id, correct_response(answer.snapshot), 1
        )
        assert reply.status_code == 200
        assert reply.json()["version"] == 1
    result = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert result.url == reverse("quizzes:result", args=[attempt.pk])
    page = client.get(result.url).content.decode()
    assert "100 %" in page and "Đạt" in page
    # By default answers are not shown while the quiz is open (it never
    # closes here): the learner's own answers are, the correct ones not.
    assert "không công bố đáp án khi còn mở" in page
    assert "đáp án đúng" not in page.lower()


def test_course_page_links_to_its_quizzes(quiz, enrolled, client_of):
    """The learner reaches the quiz from the course page, not by typing its
    address; a draft quiz is not offered."""
    from .conftest import make_quiz

    draft = make_quiz(quiz.get_parent(), title="Bài nháp", slug="nhap", live=False)
    client = client_of(enrolled)
    html = client.get(quiz.get_parent().url).content.decode()
    assert f'href="{quiz.url}"' in html
    assert "Bài kiểm tra cuối khóa" in html
    assert draft.title not in html


def test_practice_review_shows_answers(quiz, enrolled, client_of):
    quiz.counts_for_completion = False
    quiz.review_correctness = quiz.review_correct_answer = 7
    quiz.save()
    client = client_of(enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "đáp án đúng" in page or "Đáp án đúng" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_review_shows_each_questions_points_as_a_number(
    quiz, enrolled, client_of, settings, language
):
    """A question's points are kept as text ("1.00") in the attempt's snapshot;
    the review shows them like the score beside them, never "0 / 1.00"."""
    quiz.counts_for_completion = False
    quiz.review_correctness = quiz.review_correct_answer = 7
    quiz.save()
    client = client_of(enrolled)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert page.count("0 / 1<") == 10  # nothing answered: 0 of 1 point each
    assert "1.00" not in page


def test_plain_form_submit_saves_answers_without_javascript(quiz, enrolled, client_of):
    client = client_of(enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    data = {}
    for answer in attempt.answers.all():
        data[f"q-{answer.question_id}"] = correct_response(answer.snapshot)["choice"]
    client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_save_endpoint_errors(quiz, enrolled, other_learner, client_of):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.first()
    other = client_of(other_learner)
    assert save(other, attempt, answer.question_id, {}, 1).status_code == 404
    assert other.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
    client = client_of(enrolled)
    bad = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data="nope",
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert save(client, attempt, answer.question_id, {"evil": 1}, 1).status_code == 400
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    closed = save(client, attempt, answer.question_id, {"choice": "1"}, 5)
    assert closed.status_code == 409 and closed.json()["closed"] is True


def test_save_requires_csrf(quiz, enrolled):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.first()
    assert save(client, attempt, answer.question_id, {}, 1).status_code == 403


def test_anonymous_is_sent_to_login(quiz):
    from django.test import Client

    response = Client().post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def grow_bank(extra: int):
    category = QuestionCategory.objects.get(name="Mã độc và sao lưu")
    for n in range(extra):
        question = Question.objects.create(
            category=category, title=f"Thêm {n}", text="?"
        )
        Choice.objects.bulk_create(
            [
                Choice(question=question, text="a", fraction=100, sort_order=0),
                Choice(question=question, text="b", fraction=0, sort_order=1),
            ]
        )


@pytest.mark.parametrize("extra", [0, 200], ids=["16-questions", "216-questions"])
def test_query_counts_do_not_grow_with_the_bank(
    quiz, enrolled, client_of, django_assert_max_num_queries, extra
):
    grow_bank(extra)
    client = client_of(enrolled)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    client.get(url)  # the first request records the user's session once
    # The session; the user with profile and roles (one query, see
    # UserQuerySet.for_request); the attempt; its answers.
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    answer = attempt.answers.first()
    # The session and the user as above; then savepoint (the test's
    # transaction; BEGIN outside tests), attempt lock, conditional update,
    # release. No session write.
    key = answer.snapshot["choices"][0]["key"]
    for version in (1, 2):
        with django_assert_max_num_queries(6):
            assert (
                save(
                    client, attempt, answer.question_id, {"choice": key}, version
                ).status_code
                == 200
            )
    assert AttemptAnswer.objects.get(pk=answer.pk).version == 2


def test_password_login_then_quiz_page(quiz, enrolled, client):
    assert client.login(email=enrolled.email, password=DEFAULT_PASSWORD)
    assert client.get(quiz.url).status_code == 200


def test_result_says_time_ran_out_only_when_it_did(
    quiz, enrolled, client_of, time_machine
):
    import datetime

    from django.utils import timezone

    client = client_of(enrolled)
    early = attempt_start(learner=enrolled, quiz=quiz)
    # A page claiming "time up" long before the deadline is a plain submit.
    response = client.post(reverse("quizzes:submit", args=[early.pk]), {"time_up": "1"})
    assert response.url == reverse("quizzes:result", args=[early.pk])
    page = client.get(response.url + "?het-gio=1").content.decode()
    assert 'id="quiz-timed-out"' not in page

    late = attempt_start(learner=enrolled, quiz=quiz)
    time_machine.move_to(late.deadline - datetime.timedelta(seconds=1))
    response = client.post(reverse("quizzes:submit", args=[late.pk]), {"time_up": "1"})
    assert response.url == reverse("quizzes:result", args=[late.pk]) + "?het-gio=1"
    page = client.get(response.url).content.decode()
    assert 'id="quiz-timed-out"' in page
    assert timezone.localtime(late.deadline).strftime("%H:%M %d/%m/%Y") in page
