"""Reads of the quizzes app: the quiz page, completion, trainer reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.completion import Requirement
from elearning.numbers import decimal_text
from elearning.pagecache import memo_many

from .formatting import to_plain
from .grading import combine_scores
from .models import Attempt, AttemptAnswer, QuizPage
from .review import shown_items


def quiz_page_context(*, quiz: QuizPage, user) -> dict:
    """What the quiz's intro page shows this user."""
    if not getattr(user, "is_authenticated", False):
        return {"attempts": [], "live_attempt": None, "grade": None}
    attempts = list(Attempt.objects.filter(learner=user, quiz=quiz).order_by("number"))
    live = next((a for a in attempts if a.is_live), None)
    finished = [a for a in attempts if not a.is_live and a.score is not None]
    grade = combine_scores([a.score for a in finished], quiz.grading_method)
    now = timezone.now()
    for attempt in attempts:
        attempt.score_shown = "score" in shown_items(attempt, now=now)
    is_open = (quiz.opens_at is None or quiz.opens_at <= now) and (
        quiz.closes_at is None or now < quiz.closes_at
    )
    left = (
        None
        if not quiz.attempts_allowed
        else max(0, quiz.attempts_allowed - len(attempts))
    )
    return {
        "attempts": attempts,
        "live_attempt": live,
        # The grade only where every score it comes from may be shown.
        "grade": grade if all(a.score_shown for a in finished) else None,
        "passed": grade is not None and grade >= quiz.pass_mark,
        "is_open": is_open,
        "attempts_left": left,
        "can_start": live is None and is_open and (left is None or left > 0),
    }


def learner_grades(
    *, learner, quizzes: list[QuizPage], pending: set[int] | None = None
) -> dict[int, Decimal | None]:
    """Each quiz's grade (by its grading method) for ``learner``: one query.

    ``pending``, when given, receives the quizzes with an attempt whose
    essays wait for a trainer's mark.
    """
    scores: dict[int, list[Decimal]] = defaultdict(list)
    rows = (
        Attempt.objects.finished()
        .filter(learner=learner, quiz__in=[q.pk for q in quizzes])
        .filter(models.Q(score__isnull=False) | models.Q(grading_pending=True))
        .order_by("number")
        .values_list("quiz_id", "score")
    )
    for quiz_id, score in rows:
        if score is None:
            if pending is not None:
                pending.add(quiz_id)
            continue
        scores[quiz_id].append(score)
    return {q.pk: combine_scores(scores[q.pk], q.grading_method) for q in quizzes}


def quizzes_requirement(enrolment) -> Requirement | None:
    """Completion check "quizzes": pass every quiz that counts.

    The score is the grade of the course's final quiz (the last counting
    quiz in page-tree order). None when the course has no counting quiz or
    its ``require_quizzes`` is off.
    """
    course = enrolment.course
    if not getattr(course, "require_quizzes", True):
        return None
    quizzes = counting_quizzes([course])[course.pk]
    if not quizzes:
        return None
    pending: set[int] = set()
    grades = learner_grades(learner=enrolment.learner, quizzes=quizzes, pending=pending)
    return _quizzes_requirement(quizzes, grades, pending)


def counting_quizzes(courses) -> dict[int, list[QuizPage]]:
    """The live quizzes that count for completion, per course pk, in
    page-tree order (kept until the page tree changes)."""
    courses = {course.pk: course for course in courses}

    def compute(course_ids):
        from django.db.models import Q

        condition = Q()
        for pk in course_ids:
            course = courses[pk]
            condition |= Q(path__startswith=course.path, depth__gt=course.depth)
        found: dict[int, list[QuizPage]] = {pk: [] for pk in course_ids}
        for quiz in (
            QuizPage.objects.live()
            .filter(condition, counts_for_completion=True)
            .order_by("path")
        ):
            for pk in course_ids:
                course = courses[pk]
                if quiz.path.startswith(course.path) and quiz.depth > course.depth:
                    found[pk].append(quiz)
        return found

    return memo_many("quizzes:counting", list(courses), compute)


def quizzes_requirements(enrolments) -> dict[int, Requirement | None]:
    """:func:`quizzes_requirement` of many enrolments in two queries: the
    counting quizzes of every course, then every learner's finished
    attempts at them."""

    courses = {
        e.course_id: e.course
        for e in enrolments
        if getattr(e.course, "require_quizzes", True)
    }
    result: dict[int, Requirement | None] = {e.pk: None for e in enrolments}
    if not courses:
        return result
    quizzes_of = counting_quizzes(courses.values())
    wanted = [e for e in enrolments if quizzes_of.get(e.course_id)]
    if not wanted:
        return result
    scores: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    pending: dict[int, set[int]] = defaultdict(set)
    rows = (
        Attempt.objects.finished()
        .filter(
            learner_id__in={e.learner_id for e in wanted},
            quiz__in={q.pk for qs in quizzes_of.values() for q in qs},
        )
        .filter(models.Q(score__isnull=False) | models.Q(grading_pending=True))
        .order_by("number")
        .values_list("learner_id", "quiz_id", "score")
    )
    for learner_id, quiz_id, score in rows:
        if score is None:
            pending[learner_id].add(quiz_id)
            continue
        scores[learner_id, quiz_id].append(score)
    for enrolment in wanted:
        quizzes = quizzes_of[enrolment.course_id]
        grades = {
            q.pk: combine_scores(scores[enrolment.learner_id, q.pk], q.grading_method)
            for q in quizzes
        }
        result[enrolment.pk] = _quizzes_requirement(
            quizzes, grades, pending[enrolment.learner_id]
        )
    return result


def _quizzes_requirement(quizzes, grades, pending=frozenset()) -> Requirement:
    reasons = []
    passed = 0
    for quiz in quizzes:
        grade = grades[quiz.pk]
        if grade is not None and grade >= quiz.pass_mark:
            passed += 1
            continue
        if quiz.pk in pending and (grade is None or grade < quiz.pass_mark):
            detail = _("đang chờ chấm bài tự luận")
        elif grade is None:
            detail = _("chưa làm bài")
        else:
            detail = _("đạt %(score)s%%, cần %(mark)s%%") % {
                "score": decimal_text(grade),
                "mark": decimal_text(quiz.pass_mark),
            }
        if quiz.pk == quizzes[-1].pk:
            reason = _("Chưa đạt bài kiểm tra cuối khóa: %(title)s (%(detail)s).")
        else:
            reason = _("Chưa đạt bài kiểm tra: %(title)s (%(detail)s).")
        reasons.append(reason % {"title": quiz.title, "detail": detail})
    return Requirement(
        key="quizzes",
        label=_("Bài kiểm tra"),
        done=passed == len(quizzes),
        reasons=reasons,
        progress=(passed, len(quizzes)),
        score=grades[quizzes[-1].pk],
    )


# --- Trainer reports ---------------------------------------------------------


def report_attempts(*, quiz: QuizPage, user, unit_id: int | None = None):
    """Finished attempts of ``quiz`` that ``user`` may see (scoped)."""
    qs = (
        Attempt.objects.visible_to(user)
        .filter(quiz=quiz)
        .finished()
        .select_related("learner__profile__unit", "learner__profile__agency")
        .order_by("learner__profile__sort_key", "number")
    )
    if unit_id:
        # A narrowing filter picked by the user, applied inside the scope.
        from elearning.people.models import AdministrativeUnit

        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        ids = unit.subtree_ids() if unit else set()
        qs = qs.filter(learner__profile__unit__in=ids)
    return qs


@dataclass(frozen=True)
class QuestionStat:
    question_id: int | None
    title: str
    answered: int  # answers with a mark
    facility: Decimal | None  # mean credit, %
    discrimination: Decimal | None  # top third minus bottom third, %
    pending: int = 0  # essays not marked yet


def report_question_stats(attempts: list[Attempt]) -> list[QuestionStat]:
    """Facility index (% credit) and a simple discrimination index per question.

    Discrimination = facility among the top third of attempts by score minus
    facility among the bottom third (−100…100; above 30 is good).

    An essay not marked yet has no credit: it counts in ``pending``, not in
    the means (a 0 would make the question look hard). Attempts waiting for
    a mark have no score and are in neither third; their other answers count.
    """
    if not attempts:
        return []
    ranked = sorted((a for a in attempts if a.score is not None), key=lambda a: a.score)
    third = max(1, len(ranked) // 3)
    bottom = {a.pk for a in ranked[:third]}
    top = {a.pk for a in ranked[-third:]}
    per: dict[int | None, dict] = {}
    answers = AttemptAnswer.objects.filter(attempt__in=[a.pk for a in attempts]).only(
        "attempt_id", "question_id", "snapshot", "points"
    )
    for answer in answers:
        entry = per.setdefault(
            answer.snapshot.get("qid"),
            {
                "title": answer.snapshot.get("title")
                or to_plain(
                    answer.snapshot["text"], answer.snapshot.get("text_format", "plain")
                )[:60],
                "all": [],
                "top": [],
                "bottom": [],
                "pending": 0,
            },
        )
        if answer.points is None and answer.snapshot.get("type") == "essay":
            entry["pending"] += 1
            continue
        credit = (answer.points or 0) / answer.max_points if answer.max_points else 0
        entry["all"].append(credit)
        if answer.attempt_id in top:
            entry["top"].append(credit)
        if answer.attempt_id in bottom:
            entry["bottom"].append(credit)

    def mean(values):
        return (
            (Decimal(sum(values)) * 100 / len(values)).quantize(Decimal("0.1"))
            if values
            else None
        )

    stats = []
    for qid, entry in per.items():
        top_mean, bottom_mean = mean(entry["top"]), mean(entry["bottom"])
        discrimination = (
            top_mean - bottom_mean
            if top_mean is not None and bottom_mean is not None and len(ranked) >= 3
            else None
        )
        stats.append(
            QuestionStat(
                qid,
                entry["title"],
                len(entry["all"]),
                mean(entry["all"]),
                discrimination,
                entry["pending"],
            )
        )
    stats.sort(key=lambda s: (s.facility is None, s.facility or 0))
    return stats


def report_histogram(attempts: list[Attempt], *, bins: int = 10) -> list[dict]:
    """Counts of scores in bins of 10 %: [{"label": "0–10", "count": n, "pct": w}]."""
    counts = [0] * bins
    for attempt in attempts:
        if attempt.score is None:
            continue
        index = min(bins - 1, int(attempt.score // (100 // bins)))
        counts[index] += 1
    peak = max(counts) or 1
    width = 100 // bins
    return [
        {
            "label": f"{i * width}–{(i + 1) * width}",
            "count": n,
            "pct": round(n * 100 / peak),
        }
        for i, n in enumerate(counts)
    ]


def accepted_answer(choice: dict, qtype: str) -> str:
    """An accepted answer as shown in review: "1822 ± 2" for numbers."""
    if qtype != "numerical":
        return choice["text"]
    value = decimal_text(Decimal(choice["text"]))
    tolerance = Decimal(str(choice.get("tolerance") or 0))
    if tolerance:
        return f"{value} ± {decimal_text(tolerance)}"
    return value


def attempt_rows(
    answers: list[AttemptAnswer], *, shown: frozenset[str] | set[str] = frozenset()
) -> list[dict]:
    """What the attempt and result templates draw for each question.

    ``shown`` are the review items the learner may see now
    (``quizzes.review.shown_items``): right or wrong and the points earned,
    correct answers and feedback are put in a row only when shown, so no
    page carries what it may not show.
    """
    from .grading import grade_fraction, matching_choice

    rows = []
    for answer in answers:
        snap = answer.snapshot
        typed_kind = snap["type"] in ("short", "numerical")
        response = answer.response or {}
        picked = set()
        if "choice" in response:
            picked = {str(response["choice"])}
        elif isinstance(response.get("choices"), list):
            picked = {str(k) for k in response["choices"]}
        matches = (
            response.get("matches") if isinstance(response.get("matches"), dict) else {}
        )
        choices = []
        for c in snap["choices"]:
            if snap["type"] == "matching" and not c["text"]:
                continue  # a distractor: one more option on the right only
            item = {
                "key": c["key"],
                "text": c["text"],
                "text_format": c.get("text_format", "plain"),
                "picked": c["key"] in picked,
                "chosen_match": matches.get(c["key"], ""),
            }
            if "correct_answer" in shown:
                item.update(
                    correct=Decimal(c["fraction"]) > 0, match=c.get("match", "")
                )
            if "feedback" in shown:
                item["feedback"] = c.get("feedback", "") if c["key"] in picked else ""
                item["feedback_format"] = c.get("feedback_format", "plain")
            if "correctness" in shown and snap["type"] == "matching":
                item["match_right"] = item["chosen_match"] == c.get("match", "")
            choices.append(item)
        row = {
            "answer": answer,
            "slot": answer.slot,
            "qid": answer.question_id,
            # The question's id as the form's names and ids spell it.
            "ref": str(answer.question_id),
            "type": snap["type"],
            "text": snap["text"],
            "points": snap.get("points"),
            "text_format": snap.get("text_format", "plain"),
            "choices": [] if typed_kind else choices,
            "options": snap.get("options", []),
            "typed": response.get("text", "")
            if isinstance(response.get("text"), str)
            else "",
            "version": answer.version,
        }
        if "correctness" in shown:
            row.update(
                earned=answer.points, fraction=grade_fraction(snap, answer.response)
            )
        if "feedback" in shown:
            row["general_feedback"] = snap.get("general_feedback", "")
            row["general_feedback_format"] = snap.get(
                "general_feedback_format", "plain"
            )
            if typed_kind:
                hit = matching_choice(snap, answer.response) or {}
                row["answer_feedback"] = hit.get("feedback", "")
                row["answer_feedback_format"] = hit.get("feedback_format", "plain")
        if "correct_answer" in shown and typed_kind:
            row["accepted"] = [
                accepted_answer(c, snap["type"])
                for c in snap["choices"]
                if Decimal(c["fraction"]) > 0 and c["text"] != "*"
            ]
        rows.append(row)
    return rows


# --- Essay marking -------------------------------------------------------------


def grader_quiz_ids(user) -> set[int] | None:
    """Quizzes whose essays ``user`` marks: ``None`` for all (province
    admin); for a trainer, the quizzes of the courses they own or teach a
    class of."""
    from courses.attendance.models import TrainingClass
    from courses.models import CoursePage

    if user.is_superuser or user.is_province_admin:
        return None
    if not user.is_trainer:
        return set()
    taught = TrainingClass.objects.filter(trainers=user).values("course_id")
    paths = CoursePage.objects.filter(
        models.Q(owner=user) | models.Q(pk__in=taught)
    ).values_list("path", flat=True)
    ids: set[int] = set()
    for path in paths:
        ids.update(
            QuizPage.objects.filter(path__startswith=path).values_list("pk", flat=True)
        )
    return ids


def essay_answers(*, user, pending_only: bool = True):
    """Essay answers of handed-in attempts that ``user`` may mark."""
    qs = (
        AttemptAnswer.objects.filter(snapshot__type="essay")
        .exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .select_related("attempt__learner__profile", "attempt__quiz", "graded_by")
        .order_by("attempt__submitted_at", "slot")
    )
    if pending_only:
        qs = qs.filter(points__isnull=True)
    quiz_ids = grader_quiz_ids(user)
    if quiz_ids is not None:
        qs = qs.filter(attempt__quiz_id__in=quiz_ids)
    return qs


def grading_queue(*, user, by: str) -> list[dict]:
    """Essays waiting for a mark, grouped per question or per learner:
    ``[{"label": …, "answers": [AttemptAnswer, …]}]``."""
    groups: dict = {}
    for answer in essay_answers(user=user):
        if by == "learner":
            learner = answer.attempt.learner
            key = learner.pk
            label = getattr(getattr(learner, "profile", None), "full_name", "") or (
                learner.email
            )
        else:
            key = answer.snapshot.get("qid")
            label = (
                answer.snapshot.get("title")
                or to_plain(
                    answer.snapshot["text"], answer.snapshot.get("text_format", "plain")
                )[:80]
            )
        groups.setdefault(key, {"label": label, "answers": []})["answers"].append(
            answer
        )
    return sorted(groups.values(), key=lambda g: g["label"])
