"""Hostile quiz answers: refused with a translated error, nothing stored.

Malformed JSON, unknown keys, closed attempts and another learner's attempt
through the endpoint are in tests/quizzes/test_views.py; the cross-role
probes in tests/test_access_matrix.py.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models import AttemptAnswer
from quizzes.services import QuizError, answer_save, attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(learner, course):
    from courses.models import Enrolment
    from quizzes.gift import parse
    from quizzes.services import questions_import
    from tests.quizzes.conftest import GIFT, make_quiz

    questions, errors = parse(GIFT.read_text(encoding="utf-8"))
    assert questions_import(questions=questions, errors=errors).ok
    quiz = make_quiz(course)
    Enrolment.objects.create(learner=learner, course=course)
    return attempt_start(learner=learner, quiz=quiz)


def _stored(attempt):
    return list(
        AttemptAnswer.objects.filter(attempt=attempt)
        .order_by("pk")
        .values_list("response", "version")
    )


HOSTILE = {
    "not-a-dict": ["1"],
    "unknown-key": {"evil": 1},
    "choice-list": {"choice": ["1", "2"]},
    "choice-dict": {"choice": {"$gt": ""}},
    "choice-bool": {"choice": True},
    "choices-not-list": {"choices": "1,2"},
    "choices-unhashable": {"choices": [[1], {"a": 1}]},
    "text-number": {"text": 12345},
    "text-list": {"text": ["a"]},
    "matches-list": {"matches": ["a", "b"]},
    "matches-nested": {"matches": {"a": {"b": "c"}}},
    "oversized-text": {"text": "A" * 5000},
    "oversized-choices": {"choices": list(range(2000))},
}


def _answer_of(attempt, qtype):
    return next(a for a in attempt.answers.all() if a.snapshot["type"] == qtype)


def _keys(answer):
    return [c["key"] for c in answer.snapshot["choices"]]


# Well-formed JSON that does not fit the question it is sent for.
NOT_FITTING = {
    "same-choice-twice": lambda k: {"choices": [k[0], int(k[0])]},
    "same-choice-repeated": lambda k: {"choices": [k[0], k[0]]},
    "choice-of-another-question": lambda k: {"choices": ["999999"]},
    "more-choices-than-it-has": lambda k: {"choices": k + ["1", "2"]},
    "choice-key-for-multiple": lambda k: {"choice": k[0]},
    "text-for-multiple": lambda k: {"text": "a"},
    "two-keys": lambda k: {"choices": [k[0]], "text": "a"},
}


@pytest.mark.parametrize("make", NOT_FITTING.values(), ids=NOT_FITTING.keys())
def test_answer_not_fitting_its_question_is_refused(client, learner, course, make):
    from quizzes.gift import parse
    from quizzes.models import QuestionCategory, QuizRandomDraw
    from quizzes.services import questions_import
    from tests.quizzes.conftest import make_quiz

    questions, errors = parse(
        "$CATEGORY: Nhiều\n\nChọn {~%50%a ~%50%b ~%-100%c}\n\n"
        "Ghép {=a -> 1 =b -> 2 = -> 3}\n\nĐọc kỹ."
    )
    assert errors == []
    questions_import(questions=questions)
    category = QuestionCategory.objects.get(name="Nhiều")
    from courses.models import Enrolment

    quiz = make_quiz(
        course,
        slug="nhieu",
        counts_for_completion=False,
        random_draws=[QuizRandomDraw(category=category, count=2)],
    )
    Enrolment.objects.get_or_create(learner=learner, course=course)
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer = _answer_of(attempt, "multiple")
    client.force_login(learner)
    before = _stored(attempt)
    response = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data={
            "question": answer.question_id,
            "response": make(_keys(answer)),
            "version": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Câu trả lời không hợp lệ."
    assert _stored(attempt) == before
    matching = _answer_of(attempt, "matching")
    left = next(c["key"] for c in matching.snapshot["choices"] if c["text"])
    for bad in ({"matches": {left: "không có"}}, {"matches": {"999": "1"}}):
        with pytest.raises(QuizError):
            answer_save(
                attempt_id=attempt.pk,
                learner=learner,
                question_id=matching.question_id,
                response=bad,
                client_version=1,
            )
    # The distractor is a valid option on the right.
    answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        question_id=matching.question_id,
        response={"matches": {left: "3"}},
        client_version=1,
    )


def test_plain_form_submit_with_a_forged_choice_stores_and_grades_nothing(
    client, attempt, learner
):
    answer = next(a for a in attempt.answers.all() if a.snapshot["type"] == "single")
    client.force_login(learner)
    before = _stored(attempt)
    response = client.post(
        reverse("quizzes:submit", args=[attempt.pk]),
        {f"q-{answer.question_id}": "999999"},
    )
    assert response.status_code == 400
    assert _stored(attempt) == before
    attempt.refresh_from_db()
    assert attempt.is_live


def test_grading_counts_a_choice_once_whatever_its_key_spelling():
    from quizzes.grading import grade_fraction

    snapshot = {
        "type": "multiple",
        "choices": [
            {"key": "11", "fraction": "50"},
            {"key": "12", "fraction": "50"},
            {"key": "13", "fraction": "-100"},
        ],
    }
    assert grade_fraction(snapshot, {"choices": ["11", 11]}) == Decimal("0.5")


@pytest.mark.parametrize("response", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_response_is_refused_and_nothing_stored(attempt, learner, response):
    answer = attempt.answers.first()
    before = _stored(attempt)
    with pytest.raises(QuizError) as error:
        answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            question_id=answer.question_id,
            response=response,
            client_version=1,
        )
    assert str(error.value) == "Câu trả lời không hợp lệ."
    assert _stored(attempt) == before
    # The attempt can still be submitted and graded.
    attempt_submit(attempt_id=attempt.pk, learner=learner)


def test_unknown_question_is_refused(attempt, learner):
    before = _stored(attempt)
    with pytest.raises(QuizError):
        answer_save(
            attempt_id=attempt.pk,
            learner=learner,
            question_id=10**9,
            response={"choice": "1"},
            client_version=1,
        )
    assert _stored(attempt) == before


@pytest.mark.parametrize(
    "body",
    [
        b"A" * 100_000,
        json.dumps({"question": "x", "response": {}, "version": 1}).encode(),
        json.dumps({"question": 1, "response": {}, "version": [1]}).encode(),
        json.dumps({"question": 1, "version": 1}).encode(),
    ],
    ids=["huge-not-json", "question-not-int", "version-list", "no-response"],
)
def test_endpoint_refuses_malformed_bodies(client, attempt, learner, body):
    client.force_login(learner)
    before = _stored(attempt)
    response = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert _stored(attempt) == before


def test_endpoint_refuses_a_wrongly_typed_answer(client, attempt, learner):
    client.force_login(learner)
    answer = attempt.answers.first()
    before = _stored(attempt)
    response = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data={
            "question": answer.question_id,
            "response": {"choices": [[1]]},
            "version": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Câu trả lời không hợp lệ."
    assert _stored(attempt) == before
