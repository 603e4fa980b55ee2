"""Numerical questions: tolerance, ranges, partial credit, a decimal comma."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import gift
from quizzes.grading import grade_fraction, parse_number
from quizzes.models import Attempt, QuestionCategory, QuizRandomDraw
from quizzes.selectors import attempt_rows
from quizzes.services import questions_import

from .conftest import make_quiz


def snapshot(source: str) -> dict:
    (q,), errors = gift.parse(source, default_category="A")
    assert errors == [] and q.qtype == "numerical"
    return {
        "type": "numerical",
        "points": "1",
        "choices": [
            {
                "key": str(i),
                "text": c.text,
                "fraction": str(c.fraction),
                "tolerance": str(c.tolerance),
                "feedback": c.feedback,
                "feedback_format": c.feedback_format,
                "match": "",
            }
            for i, c in enumerate(q.choices)
        ],
    }


@pytest.mark.parametrize(
    ("source", "typed", "credit"),
    [
        ("Câu {#1.5:0.1}", "1.5", 100),
        ("Câu {#1.5:0.1}", "1,5", 100),
        ("Câu {#1.5:0.1}", " 1,45 ", 100),
        ("Câu {#1.5:0.1}", "1.61", 0),
        ("Câu {#1..2}", "1", 100),
        ("Câu {#1..2}", "2,0", 100),
        ("Câu {#1..2}", "2.01", 0),
        ("Câu {#=%100%1.5:0.1#ok =%50%2}", "2", 50),
        ("Câu {#=%100%1.5:0.1#ok =%50%2}", "1.55", 100),
        ("Câu {#=%100%1.5:0.1#ok =%50%2}", "3", 0),
        ("Câu {#1822}", "1822", 100),
        ("Câu {#1822}", "một nghìn", 0),
        ("Câu {#-3.5:0.5}", "-3", 100),
    ],
)
def test_numerical_grading(source, typed, credit):
    assert grade_fraction(snapshot(source), {"text": typed}) * 100 == credit


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        ("-0,25", Decimal("-0.25")),
        (",5", Decimal("0.5")),
        ("1e3", Decimal("1000")),
        ("1 500", Decimal("1500")),
        ("1.000,5", None),
        ("abc", None),
        ("", None),
        ("NaN", None),
        ("inf", None),
    ],
)
def test_numbers_as_learners_type_them(typed, value):
    assert parse_number(typed) == value


def test_review_shows_the_right_answer_and_the_feedback_of_the_answer_given():
    from quizzes.models import AttemptAnswer

    snap = {
        **snapshot("Câu {#=%100%1.5:0.1#Chính xác =%50%2#Gần đúng ~#Sai}"),
        "text": "Câu",
    }
    answer = AttemptAnswer(slot=1, snapshot=snap, response={"text": "2"}, version=1)
    (row,) = attempt_rows(
        [answer], shown=frozenset({"answer", "feedback", "correct_answer"})
    )
    assert row["accepted"] == ["1,5 ± 0,1", "2"]
    assert row["answer_feedback"] == "Gần đúng"
    assert row["choices"] == []


@pytest.mark.integration
def test_numerical_attempt_with_a_decimal_comma(course, learner, client):
    from courses.models import Enrolment

    questions, errors = gift.parse(
        "$CATEGORY: Số\n\n::Số:: Độ dài khóa tối thiểu (KB)? {#=%100%1.5:0.1#Đúng =%50%2}"
    )
    assert errors == []
    questions_import(questions=questions)
    quiz = make_quiz(
        course,
        counts_for_completion=False,
        review_correct_answer=7,
        random_draws=[
            QuizRandomDraw(category=QuestionCategory.objects.get(name="Số"), count=1)
        ],
    )
    Enrolment.objects.create(learner=learner, course=course)
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'inputmode="decimal"' in page and 'data-type="numerical"' in page
    answer = attempt.answers.get()
    reply = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(
            {"question": answer.question_id, "response": {"text": "1,45"}, "version": 1}
        ),
        content_type="application/json",
    )
    assert reply.status_code == 200 and reply.json()["version"] == 1
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'value="1,45"' in page  # the saved answer is shown again
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.score == 100
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "1,5 ± 0,1" in result


@pytest.mark.django_db
def test_a_tolerance_too_large_to_store_is_refused():
    questions, errors = gift.parse("Câu {#1:1e20}", default_category="A")
    assert errors == []
    report = questions_import(questions=questions)
    assert [e.message for e in report.errors] == ["sai số cho phép quá lớn."]
