from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from courses.models import Enrolment
from courses.selectors import course_eligibility
from quizzes.models import Attempt, AttemptAnswer, Question
from quizzes.services import (
    GRACE,
    AttemptClosed,
    QuizError,
    accepts_answers_at,
    answer_save,
    attempt_close_overdue,
    attempt_deadline,
    attempt_start,
    attempt_submit,
    question_regrade,
)

from .conftest import correct_response, make_quiz, wrong_response

pytestmark = pytest.mark.integration


def answer_all(attempt, *, right: int):
    """Answer the first ``right`` questions correctly, the rest wrongly."""
    for index, answer in enumerate(attempt.answers.order_by("slot")):
        response = (correct_response if index < right else wrong_response)(
            answer.snapshot
        )
        answer_save(
            attempt_id=attempt.pk,
            learner=attempt.learner,
            question_id=answer.question_id,
            response=response,
            client_version=answer.version + 1,
        )


def test_start_draws_ten_questions_with_snapshots(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answers = list(attempt.answers.all())
    assert len(answers) == 10
    assert len({a.question_id for a in answers}) == 10
    assert all(a.snapshot["qid"] == a.question_id for a in answers)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=20)


def test_a_published_change_of_the_questions_reaches_the_next_start(
    quiz, enrolled, other_learner, course
):
    """Starts read the quiz's questions from memory until the page is
    published again; then the next start draws from the new ones."""
    from courses.models import Enrolment
    from quizzes.models import Question, QuestionCategory, QuizFixedQuestion

    assert attempt_start(learner=enrolled, quiz=quiz).answers.count() == 10
    chosen = list(Question.objects.order_by("pk")[:3])
    page = quiz.specific.get_latest_revision_as_object()
    page.random_draws = []
    page.fixed_questions = [QuizFixedQuestion(question=q) for q in chosen]
    page.save_revision().publish()
    Enrolment.objects.create(learner=other_learner, course=course)
    attempt = attempt_start(learner=other_learner, quiz=quiz.specific)
    assert {a.question_id for a in attempt.answers.all()} == {q.pk for q in chosen}
    # A subcategory added under a draw's category counts from the next start.
    root = QuestionCategory.objects.get(name="ATTT cơ bản", parent=None)
    deeper = QuestionCategory.objects.create(name="Mới thêm", parent=root)
    assert deeper.pk in root.subtree_ids()


def test_a_change_of_the_bank_reaches_the_next_start(
    quiz, enrolled, other_learner, course, django_assert_num_queries
):
    """Starts draw and copy their questions from memory (``quiz_plan``,
    ``question_sources``) until a question, a choice or a category is saved
    or deleted; then from the new bank."""
    from quizzes.models import Choice, QuestionCategory
    from quizzes.services import question_sources, quiz_plan

    first = attempt_start(learner=enrolled, quiz=quiz)
    ids = list(first.answers.values_list("question_id", flat=True))
    with django_assert_num_queries(0):
        assert set(question_sources(ids)) == set(ids)
        _fixed, ((_draw, pool),) = quiz_plan(quiz)
    assert set(ids) <= set(pool)
    # A question moved into a subcategory made now is still drawn.
    moved = Question.objects.get(pk=ids[3])
    deeper = QuestionCategory.objects.create(name="Mới thêm", parent=moved.category)
    moved.category = deeper
    moved.save()
    _fixed, ((_draw, pool_after),) = quiz_plan(quiz)
    assert pool_after == pool
    # Once that subcategory is moved out of the drawn tree, it is not.
    deeper.parent = None
    deeper.save()
    _fixed, ((_draw, pool_after),) = quiz_plan(quiz)
    assert moved.pk not in pool_after and len(pool_after) == len(pool) - 1
    question = Question.objects.get(pk=ids[0])
    question.text = "Câu hỏi đã sửa"
    question.save()
    choice = Choice.objects.filter(question_id=ids[1]).order_by("sort_order").first()
    choice.text = "Lựa chọn đã sửa"
    choice.save()
    gone = Choice.objects.filter(question_id=ids[2]).order_by("sort_order").last()
    gone.delete()
    sources = question_sources(ids)
    assert sources[ids[0]]["text"] == "Câu hỏi đã sửa"
    assert "Lựa chọn đã sửa" in [c["text"] for c in sources[ids[1]]["choices"]]
    assert str(gone.pk) not in [c["key"] for c in sources[ids[2]]["choices"]]
    # The learner who starts next sees the new text; the first keeps theirs.
    Enrolment.objects.create(learner=other_learner, course=course)
    second = attempt_start(learner=other_learner, quiz=quiz)
    shown = {a.question_id: a.snapshot for a in second.answers.all()}
    if ids[0] in shown:
        assert shown[ids[0]]["text"] == "Câu hỏi đã sửa"
    first_shown = first.answers.get(question_id=ids[0]).snapshot
    assert first_shown["text"] != "Câu hỏi đã sửa"


def test_start_is_idempotent(quiz, enrolled):
    first = attempt_start(learner=enrolled, quiz=quiz)
    assert attempt_start(learner=enrolled, quiz=quiz).pk == first.pk
    assert Attempt.objects.count() == 1


def test_start_refuses_learner_not_enrolled(quiz, learner):
    with pytest.raises(QuizError, match="chưa ghi danh"):
        attempt_start(learner=learner, quiz=quiz)


def test_start_refuses_closed_quiz_and_used_up_attempts(bank, course, enrolled):
    now = timezone.now()
    closed = make_quiz(course, slug="dong", closes_at=now - timedelta(minutes=1))
    with pytest.raises(QuizError, match="đã đóng"):
        attempt_start(learner=enrolled, quiz=closed)
    later = make_quiz(course, slug="chua-mo", opens_at=now + timedelta(days=1))
    with pytest.raises(QuizError, match="chưa mở"):
        attempt_start(learner=enrolled, quiz=later)
    once = make_quiz(course, slug="mot-lan", attempts_allowed=1)
    attempt_submit(attempt_id=attempt_start(learner=enrolled, quiz=once).pk)
    with pytest.raises(QuizError, match="hết số lượt"):
        attempt_start(learner=enrolled, quiz=once)


def test_deadline_never_passes_the_closing_time(quiz):
    start = timezone.now()
    quiz.closes_at = start + timedelta(minutes=5)
    assert attempt_deadline(quiz=quiz, started_at=start) == quiz.closes_at


def test_database_allows_one_live_attempt_per_learner_and_quiz(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            learner=enrolled,
            quiz=quiz,
            number=2,
            started_at=attempt.started_at,
            deadline=attempt.deadline,
        )
    # A finished attempt does not count.
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED)
    Attempt.objects.create(
        learner=enrolled,
        quiz=quiz,
        number=2,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
    )


def test_answer_versions_ignore_late_arrivals(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.first()
    kwargs = {
        "attempt_id": attempt.pk,
        "learner": enrolled,
        "question_id": answer.question_id,
    }
    new, old = correct_response(answer.snapshot), wrong_response(answer.snapshot)
    assert answer_save(response=new, client_version=2, **kwargs).version == 2
    late = answer_save(response=old, client_version=1, **kwargs)
    assert late.stale and late.version == 2
    answer.refresh_from_db()
    assert answer.response == new
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 10


def test_answer_save_refuses_someone_elses_attempt(quiz, enrolled, other_learner):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.first()
    with pytest.raises(Attempt.DoesNotExist):
        answer_save(
            attempt_id=attempt.pk,
            learner=other_learner,
            question_id=answer.question_id,
            response={},
            client_version=1,
        )


@given(seconds=st.integers(min_value=-86_400, max_value=86_400))
def test_deadline_and_grace_arithmetic(seconds):
    deadline = timezone.now()
    attempt = Attempt(deadline=deadline, state=Attempt.State.IN_PROGRESS)
    when = deadline + timedelta(seconds=seconds)
    assert accepts_answers_at(attempt, when) is (seconds <= 60)
    attempt.state = Attempt.State.SUBMITTED
    assert accepts_answers_at(attempt, when) is False


@pytest.mark.parametrize(
    "seconds", [-1, 0, 60, 61], ids=["before", "at", "grace-end", "late"]
)
def test_answers_accepted_until_deadline_plus_grace(quiz, enrolled, seconds):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer = attempt.answers.first()
    kwargs = {
        "attempt_id": attempt.pk,
        "learner": enrolled,
        "question_id": answer.question_id,
        "response": correct_response(answer.snapshot),
        "client_version": 1,
        "now": attempt.deadline + timedelta(seconds=seconds),
    }
    if seconds <= 60:
        assert answer_save(**kwargs).version == 1
    else:
        with pytest.raises(AttemptClosed):
            answer_save(**kwargs)


def test_submit_grades_once(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer_all(attempt, right=7)
    graded = attempt_submit(attempt_id=attempt.pk)
    assert graded.state == Attempt.State.SUBMITTED
    assert graded.score == Decimal("70.00") and graded.passed
    answer = attempt.answers.first()
    with pytest.raises(AttemptClosed):
        answer_save(
            attempt_id=attempt.pk,
            learner=enrolled,
            question_id=answer.question_id,
            response={"choice": "x"},
            client_version=99,
        )
    again = attempt_submit(attempt_id=attempt.pk)
    assert (again.score, again.submitted_at) == (graded.score, graded.submitted_at)


def test_submit_after_grace_closes_as_overdue_with_saved_answers(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer_all(attempt, right=10)
    graded = attempt_submit(attempt_id=attempt.pk, now=attempt.deadline + GRACE * 2)
    assert graded.state == Attempt.State.OVERDUE_CLOSED
    assert graded.score == 100
    assert graded.submitted_at == attempt.deadline + GRACE


def test_close_overdue(quiz, enrolled, other_learner, course):
    Enrolment.objects.create(learner=other_learner, course=course)
    late = attempt_start(learner=enrolled, quiz=quiz)
    answer_all(late, right=5)
    fresh = attempt_start(learner=other_learner, quiz=quiz)
    now = late.deadline + GRACE + timedelta(seconds=1)
    Attempt.objects.filter(pk=fresh.pk).update(deadline=now + timedelta(minutes=5))
    assert attempt_close_overdue(now=now) == 1
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.state == Attempt.State.OVERDUE_CLOSED and late.score == 50
    assert fresh.state == Attempt.State.IN_PROGRESS
    assert attempt_close_overdue(now=now) == 0


def test_close_overdue_task(quiz, enrolled):
    from quizzes.tasks import close_overdue_attempts

    attempt = attempt_start(learner=enrolled, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - GRACE - timedelta(seconds=5)
    )
    assert close_overdue_attempts.delay().get() == 1


@pytest.mark.parametrize(
    ("method", "expected", "passed", "status"),
    [
        ("highest", "80.00", True, "completed"),
        # Completed after the second attempt; completion is never taken back.
        ("last", "60.00", False, "completed"),
        ("first", "40.00", False, "in_progress"),
        ("average", "60.00", False, "in_progress"),
    ],
)
def test_grade_per_method_feeds_completion(
    quiz, enrolled, course, method, expected, passed, status
):
    quiz.grading_method = method
    quiz.save()
    for right in (4, 8, 6):
        attempt = attempt_start(learner=enrolled, quiz=quiz)
        answer_all(attempt, right=right)
        attempt_submit(attempt_id=attempt.pk)
    eligibility = course_eligibility(user=enrolled, course=course)
    requirement = next(r for r in eligibility.requirements if r.key == "quizzes")
    assert requirement.score == Decimal(expected)
    assert requirement.done is passed
    assert Enrolment.objects.get(learner=enrolled, course=course).status == status
    if passed:
        assert requirement.reasons == []
    else:
        assert requirement.reasons[0].startswith(
            "Chưa đạt bài kiểm tra cuối khóa: Bài kiểm tra cuối khóa"
        )


def test_completion_says_quiz_not_taken(quiz, enrolled, course):
    eligibility = course_eligibility(user=enrolled, course=course)
    assert not eligibility.complete
    assert "chưa làm bài" in eligibility.reasons[0]


def test_course_without_counting_quiz_has_no_quiz_rule(course, enrolled):
    enrolment = Enrolment.objects.get(learner=enrolled)
    from quizzes.selectors import quizzes_requirement

    assert quizzes_requirement(enrolment) is None


def test_quiz_rule_follows_the_course_setting(quiz, enrolled, course):
    # Ticked: the final quiz must be passed before the course is complete.
    eligibility = course_eligibility(user=enrolled, course=course)
    assert [r.key for r in eligibility.requirements if r.key == "quizzes"] == [
        "quizzes"
    ]
    assert not eligibility.complete
    # Not ticked: the quiz is practice only; lessons alone decide.
    course.require_quizzes = False
    course.save()
    eligibility = course_eligibility(user=enrolled, course=course)
    assert "quizzes" not in [r.key for r in eligibility.requirements]
    assert eligibility.complete


def test_editing_a_question_does_not_change_a_past_attempt(quiz, enrolled):
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer_all(attempt, right=10)
    attempt_submit(attempt_id=attempt.pk)
    answer = attempt.answers.first()
    question = Question.objects.get(pk=answer.question_id)
    question.text = "Đã sửa"
    question.save()
    answer.refresh_from_db()
    assert answer.snapshot["text"] != "Đã sửa"


def test_regrade_dry_run_then_apply(quiz, enrolled):
    from wagtail.models import ModelLogEntry

    attempt = attempt_start(learner=enrolled, quiz=quiz)
    answer_all(attempt, right=10)
    attempt = attempt_submit(attempt_id=attempt.pk)
    assert attempt.score == 100
    answer = attempt.answers.exclude(snapshot__type="true_false").first()
    question = Question.objects.get(pk=answer.question_id)
    # The author finds the key was wrong: the learner's choice is now wrong.
    chosen = answer.response["choice"]
    question.choices.filter(pk=chosen).update(fraction=0)
    question.choices.exclude(pk=chosen).filter(sort_order=0).update(fraction=100)
    if not question.choices.filter(fraction=100).exists():
        question.choices.exclude(pk=chosen).update(fraction=100)
    changes = question_regrade(question=question, apply=False)
    assert [(c.attempt.pk, c.old_score, c.new_score) for c in changes] == [
        (attempt.pk, Decimal("100.00"), Decimal("90.00"))
    ]
    attempt.refresh_from_db()
    assert attempt.score == 100
    question_regrade(question=question, apply=True)
    attempt.refresh_from_db()
    assert attempt.score == 90
    assert ModelLogEntry.objects.filter(action="quizzes.attempt_regraded").count() == 1
    assert question_regrade(question=question, apply=False) == []


def test_an_attempt_across_the_new_year(client, bank, course, enrolled, time_machine):
    """Started at 23:50 on 31/12/2026 (Vietnam time) with 20 minutes: the
    deadline is 00:10 on 1 January, answers are taken until then plus the
    grace period, and a quiz closing at midnight cuts the deadline there."""
    import datetime

    vn = datetime.timezone(datetime.timedelta(hours=7))
    start = datetime.datetime(2026, 12, 31, 23, 50, tzinfo=vn)
    midnight = datetime.datetime(2027, 1, 1, 0, 0, tzinfo=vn)
    quiz = make_quiz(course, slug="giao-thua")
    closing = make_quiz(course, slug="dong-luc-giao-thua", closes_at=midnight)
    time_machine.move_to(start, tick=False)
    attempt = attempt_start(learner=enrolled, quiz=quiz)
    assert attempt.deadline == midnight + timedelta(minutes=10)
    assert attempt_start(learner=enrolled, quiz=closing).deadline == midnight
    client.force_login(enrolled)
    page = client.get(
        reverse("quizzes:attempt", kwargs={"attempt_id": attempt.pk})
    ).content.decode()
    assert "Hạn nộp: 01/01/2027 00:10" in page
    answer = attempt.answers.order_by("slot").first()
    time_machine.move_to(midnight + timedelta(minutes=9), tick=False)
    saved = answer_save(
        attempt_id=attempt.pk,
        learner=enrolled,
        question_id=answer.question_id,
        response=correct_response(answer.snapshot),
        client_version=1,
    )
    assert saved.version == 1
    time_machine.move_to(attempt.deadline + GRACE + timedelta(seconds=1), tick=False)
    with pytest.raises(AttemptClosed):
        answer_save(
            attempt_id=attempt.pk,
            learner=enrolled,
            question_id=answer.question_id,
            response=wrong_response(answer.snapshot),
            client_version=2,
        )
    # The overdue job of the new year closes both with what was saved.
    assert attempt_close_overdue() == 2
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.OVERDUE_CLOSED
    assert attempt.submitted_at == attempt.deadline + GRACE
    assert attempt.answers.get(pk=answer.pk).points > 0
