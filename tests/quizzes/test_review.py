"""Review options (quizzes/review.py), written as the attack was made: a
learner spends blank attempts on the final quiz to read its answers, then
passes with them. A quiz counting for completion shows nothing that gives
answers away while it is open, whatever it was set to before; the editor
refuses such settings; a practice quiz still shows everything at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from quizzes.models import Attempt, QuizPage
from quizzes.review import Moment, moment_of, shown_items

from .conftest import make_quiz

pytestmark = pytest.mark.django_db

SHOW_ALL = {f"review_{item}": 7 for item in ("answer", "correctness",
            "correct_answer", "feedback", "score")}  # fmt: skip


def blank_attempt(client, quiz) -> str:
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.filter(quiz=quiz).latest("number")
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    return client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()


def correct_texts(quiz) -> set[str]:
    texts = set()
    for attempt in Attempt.objects.filter(quiz=quiz):
        for answer in attempt.answers.all():
            texts |= {
                c["text"]
                for c in answer.snapshot["choices"]
                if float(c["fraction"]) > 0
            }
    return texts


def test_blank_attempts_reveal_no_answer_of_a_counting_quiz(
    client, quiz, enrolled, time_machine
):
    # Set before the rule existed: everything shown right after each attempt.
    QuizPage.objects.filter(pk=quiz.pk).update(**SHOW_ALL)
    quiz.refresh_from_db()
    assert quiz.counts_for_completion and quiz.attempts_allowed == 3
    client.force_login(enrolled)
    for _ in range(2):
        page = blank_attempt(client, quiz)
        assert "đáp án đúng" not in page.lower()
        assert "✓" not in page and "✗" not in page
        assert " / 1<" not in page  # no points per question either
    # The learner's own (blank) answers and the score are there.
    assert "Câu 10." in page and "0 %" in page


def test_once_the_quiz_closes_the_answers_are_shown(
    client, bank, course, enrolled, time_machine
):
    closes = timezone.now() + datetime.timedelta(hours=1)
    quiz = make_quiz(course, slug="dong", closes_at=closes)
    client.force_login(enrolled)
    page = blank_attempt(client, quiz)
    assert "đáp án đúng" not in page.lower()
    assert "sẽ được công bố sau khi bài kiểm tra đóng" in page
    time_machine.move_to(closes + datetime.timedelta(minutes=1))
    attempt = Attempt.objects.get(quiz=quiz)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "(đáp án đúng)" in page
    assert any(text in page for text in correct_texts(quiz))


def test_a_practice_quiz_shows_everything_at_once(client, bank, course, enrolled):
    quiz = make_quiz(course, slug="luyen-tap", counts_for_completion=False, **SHOW_ALL)
    client.force_login(enrolled)
    page = blank_attempt(client, quiz)
    assert "(đáp án đúng)" in page and "0 / 1<" in page


def test_moments_follow_moodle(quiz, enrolled, time_machine):
    from quizzes.services import attempt_start, attempt_submit

    attempt = attempt_submit(attempt_id=attempt_start(learner=enrolled, quiz=quiz).pk)
    now = attempt.submitted_at
    assert (
        moment_of(attempt, now + datetime.timedelta(seconds=119)) is Moment.IMMEDIATELY
    )
    assert moment_of(attempt, now + datetime.timedelta(minutes=3)) is Moment.OPEN
    quiz = attempt.quiz
    quiz.closes_at = now + datetime.timedelta(hours=1)
    assert moment_of(attempt, quiz.closes_at) is Moment.CLOSED
    # The default: answers and score at every moment, the rest after closing.
    assert shown_items(attempt, now=now) == {"answer", "score"}
    assert shown_items(attempt, now=quiz.closes_at) == {
        "answer",
        "correctness",
        "correct_answer",
        "feedback",
        "score",
    }


def _form(quiz, **review):
    form_class = QuizPage.get_edit_handler().get_form_class()
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "time_limit_minutes": 20,
        "attempts_allowed": 3,
        "pass_mark": "70",
        "grading_method": "highest",
        "review_answer": ["1", "2", "4"],
        "review_score": ["1", "2", "4"],
        "review_correctness": ["4"],
        "review_correct_answer": ["4"],
        "review_feedback": ["4"],
        **review,
    }
    formsets = nested_form_data(
        {"fixed_questions": inline_formset([]), "random_draws": inline_formset([])}
    )
    return form_class({**formsets, **data}, instance=quiz, for_user=None)


def test_the_editor_refuses_answers_before_closing_on_a_counting_quiz(quiz):
    form = _form(quiz, counts_for_completion="on", review_correct_answer=["1", "4"])
    assert not form.is_valid()
    assert "chỉ được cho xem mục này sau khi bài đóng" in str(
        form.errors["review_correct_answer"]
    )
    # Not counting for completion: the trainer may show it at once.
    practice = _form(quiz, review_correct_answer=["1", "4"])
    assert practice.is_valid(), practice.errors
    assert practice.cleaned_data["review_correct_answer"] == 5
    safe = _form(quiz, counts_for_completion="on")
    assert safe.is_valid(), safe.errors


def test_the_demo_final_quiz_is_safe(db):
    import io

    from django.core.management import call_command

    from quizzes.review import settings_errors

    call_command("seed_demo", stdout=io.StringIO())
    final = QuizPage.objects.get(slug="bai-kiem-tra-cuoi-khoa")
    assert final.counts_for_completion
    assert settings_errors(final) == {}


def test_a_quiz_cannot_count_under_a_course_that_ignores_quizzes(quiz):
    """A quiz ticked "counts for completion" under a course that does not
    require quizzes: learners completed the course without passing it."""
    course = quiz.get_parent().specific
    course.require_quizzes = False
    course.save()
    form = _form(quiz, counts_for_completion="on")
    assert not form.is_valid()
    assert "không yêu cầu đạt các bài kiểm tra" in str(
        form.errors["counts_for_completion"]
    )
    assert _form(quiz).is_valid()  # a practice quiz there is fine
    course.require_quizzes = True
    course.save()
    assert _form(quiz, counts_for_completion="on").is_valid()
