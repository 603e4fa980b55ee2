"""Load data for quizzes: the real question bank, one quiz per course, attempts.

Attempts and their answers are bulk-inserted, graded with the platform's own
grading functions (``grade_points``, ``percent``) so scores are what a real
submit would store. A completed enrolment ends with a passed attempt (after
up to two failed ones); some in-progress enrolments have a failed attempt,
a few a live one (started minutes ago, deadline ahead). Nobody has attempted
the exam course's quiz: it is the exam-day scenario's. Enrolments are read
back a batch at a time; each attempt keeps the learner's unit of its day
(``ctx.unit_at``: the 2018 district before 01/07/2025).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from courses.loaddata import page_path
from elearning.loaddata import LoadContext, bulk, copy_rows

from .demo import GIFT_FILE
from .grading import grade_points, percent
from .models import Attempt, AttemptAnswer, Question, QuizPage, QuizRandomDraw
from .services import (
    category_get_or_create,
    question_snapshot,
    questions_import,
    questions_parse_file,
)

BANK_ROOT = "ATTT cơ bản"
EXAM_QUESTIONS = 10
QUESTIONS = 5
CHUNK = 1000
ANSWER_FIELDS = [
    "attempt_id",
    "slot",
    "question_id",
    "snapshot",
    "response",
    "points",
    "version",
    "saved_at",
    "comment",
]


def bank(ctx: LoadContext) -> dict[int, dict]:
    """Import the real bank (idempotent); snapshot of every question by id."""
    questions, errors = questions_parse_file(
        name=GIFT_FILE.name, data=GIFT_FILE.read_bytes()
    )
    report = questions_import(questions=questions, errors=errors)
    if report.errors:
        raise ValueError(f"question bank: {report.errors}")
    root, _made = category_get_or_create(path=BANK_ROOT)
    ids = root.subtree_ids()
    rows = Question.objects.filter(category_id__in=ids).prefetch_related("choices")
    return {
        q.pk: question_snapshot(q, shuffle_choices=True, rng=ctx.rng)
        for q in rows.order_by("pk")
    }


def quizzes(ctx: LoadContext) -> None:
    root, _made = category_get_or_create(path=BANK_ROOT)
    for course in ctx.courses:
        exam = course.pk == ctx.exam_course.pk
        quiz = QuizPage(
            title="Bài kiểm tra cuối khóa",
            slug="bai-kiem-tra",
            intro="<p>Chọn một đáp án đúng cho mỗi câu hỏi.</p>",
            time_limit_minutes=60 if exam else 20,
            attempts_allowed=0 if exam else 3,
            random_draws=[
                QuizRandomDraw(
                    category=root, count=EXAM_QUESTIONS if exam else QUESTIONS
                )
            ],
            live=True,
            has_unpublished_changes=False,
            first_published_at=ctx.now,
            last_published_at=ctx.now,
            owner_id=course.owner_id,
        )
        course.add_child(instance=quiz)
        ctx.quizzes[course.pk] = quiz
    ctx.count("quizzes", len(ctx.courses))


def _response(snapshot: dict, right: bool, rng) -> dict:
    correct = [c for c in snapshot["choices"] if Decimal(c["fraction"]) > 0]
    wrong = [c for c in snapshot["choices"] if Decimal(c["fraction"]) <= 0]
    if snapshot["type"] == "multiple":
        picked = correct if right or not wrong else [rng.choice(wrong)]
        return {"choices": [c["key"] for c in picked]}
    if snapshot["type"] == "short":
        return {"text": correct[0]["text"] if right else "không biết"}
    if snapshot["type"] == "matching":
        return {
            "matches": {
                c["key"]: c["match"] if right else "" for c in snapshot["choices"]
            }
        }
    pool = correct if right or not wrong else wrong
    return {"choice": rng.choice(pool)["key"]}


def _answers(ctx, snapshots, question_ids, *, wrong: int, answered: bool = True):
    """(question id, snapshot, response, points) for one attempt."""
    rng = ctx.rng
    wrong_slots = set(rng.sample(range(len(question_ids)), wrong))
    rows = []
    for slot, qid in enumerate(question_ids):
        snapshot = snapshots[qid]
        response = (
            _response(snapshot, slot not in wrong_slots, rng) if answered else None
        )
        rows.append((qid, snapshot, response, grade_points(snapshot, response)))
    return rows


def _score(rows) -> Decimal:
    earned = sum((points for *_rest, points in rows), Decimal("0"))
    maximum = sum((Decimal(s.get("points", "1")) for _q, s, *_r in rows), Decimal(0))
    return percent(earned, maximum)


def attempts(ctx: LoadContext, snapshots: dict[int, dict]) -> None:
    rng = ctx.rng
    pool = sorted(snapshots)
    exam_id = ctx.exam_course.pk
    scores: dict[Decimal, Decimal] = {}  # one object per distinct score
    for batch in ctx.enrolment_batches(size=CHUNK):
        attempt_rows, answer_rows = [], []
        for (
            enrolment_id,
            learner_id,
            course_id,
            fate,
            completed_at,
            enrolled_at,
        ) in batch:
            if course_id == exam_id or fate == "enrolled":
                continue
            quiz = ctx.quizzes[course_id]
            count = QUESTIONS
            limit = datetime.timedelta(minutes=quiz.time_limit_minutes)
            if fate == "completed":
                tries = rng.choice([1, 1, 1, 2, 2, 3])
                end = completed_at
            elif rng.random() < 0.5:
                tries = 1
                span = int((ctx.now - enrolled_at).total_seconds())
                end = enrolled_at + datetime.timedelta(seconds=int(span * rng.random()))
            else:
                tries = 0
            live = fate == "in_progress" and rng.random() < 0.1
            best = None
            for number in range(1, tries + 1):
                last = number == tries
                passing = fate == "completed" and last
                wrong = rng.choice([0, 0, 1]) if passing else rng.randint(2, count)
                questions = rng.sample(pool, count)
                rows = _answers(ctx, snapshots, questions, wrong=wrong)
                score = _score(rows)
                if passing and score < quiz.pass_mark:
                    rows = _answers(ctx, snapshots, questions, wrong=0)
                    score = _score(rows)
                score = scores.setdefault(score, score)
                started = end - (tries - number + 1) * datetime.timedelta(days=1)
                attempt = Attempt(
                    learner_id=learner_id,
                    unit_id=ctx.unit_at(learner_id, started),
                    quiz_id=quiz.pk,
                    number=number,
                    started_at=started,
                    deadline=started + limit,
                    submitted_at=started
                    + datetime.timedelta(
                        minutes=rng.randint(3, quiz.time_limit_minutes)
                    ),
                    state=Attempt.State.SUBMITTED,
                    score=score,
                    passed=score >= quiz.pass_mark,
                )
                attempt_rows.append(attempt)
                answer_rows.append(rows)
                best = score if best is None else max(best, score)
            if fate == "completed":
                ctx.scores[enrolment_id] = best
            if live:
                started = ctx.now - datetime.timedelta(minutes=rng.randint(1, 10))
                questions = rng.sample(pool, count)
                attempt_rows.append(
                    Attempt(
                        learner_id=learner_id,
                        unit_id=ctx.unit_at(learner_id, started),
                        quiz_id=quiz.pk,
                        number=tries + 1,
                        started_at=started,
                        deadline=started + limit,
                    )
                )
                answer_rows.append(
                    _answers(ctx, snapshots, questions, wrong=0, answered=False)
                )
        saved = bulk(Attempt, attempt_rows)
        answers = (
            (
                attempt.pk,
                slot,
                qid,
                snapshot,
                response,
                points if attempt.state != Attempt.State.IN_PROGRESS else None,
                1 if response is not None else 0,
                attempt.started_at if response is not None else None,
                "",
            )
            for attempt, rows in zip(saved, answer_rows, strict=True)
            for slot, (qid, snapshot, response, points) in enumerate(rows, start=1)
        )
        ctx.count("answers", copy_rows(AttemptAnswer, ANSWER_FIELDS, answers))
        ctx.count("attempts", len(saved))


def generate(ctx: LoadContext) -> None:
    snapshots = bank(ctx)
    quizzes(ctx)
    attempts(ctx, snapshots)
    exam = ctx.exam_course
    # Every generated learner is enrolled in the exam course.
    ctx.manifest["exam"] = {
        "quiz_url": page_path(ctx.quizzes[exam.pk]),
        "course_url": page_path(exam),
        "learners": [email for _pk, email, _u in ctx.learners],
    }
    ctx.say(
        f"Quizzes: {ctx.counts['quizzes']} quizzes, "
        f"{ctx.counts.get('attempts', 0)} attempts, "
        f"{ctx.counts.get('answers', 0)} answers"
    )
