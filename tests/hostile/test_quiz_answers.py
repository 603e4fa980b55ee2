"""Hostile quiz answers: refused with a translated error, nothing stored.

Malformed JSON, unknown keys, closed attempts and another learner's attempt
through the endpoint are in tests/quizzes/test_views.py; the cross-role
probes in tests/test_access_matrix.py.
"""

from __future__ import annotations

import json

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
