"""What a learner sees of a finished attempt, and when (Moodle's review options).

Each item (their answers, right or wrong, the correct answers, feedback, the
score) is shown at the moments the quiz sets, stored as a bit mask like
Moodle's ``review*`` columns: right after the attempt (the first two minutes
after it ends), later while the quiz is open, after the quiz closes.

A quiz that counts for course completion gates a certificate: it never shows
what gives answers away (right or wrong, correct answers, feedback) while the
quiz is open, whatever its settings say. A true/false question marked wrong
gives its answer away as surely as the answer itself. The editor refuses
such settings (:func:`settings_errors`); :func:`shown_items` applies the rule
again to quizzes saved before it.
"""

from __future__ import annotations

import datetime
import enum

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Moment(enum.IntFlag):
    IMMEDIATELY = 1
    OPEN = 2
    CLOSED = 4


ALL = Moment.IMMEDIATELY | Moment.OPEN | Moment.CLOSED
# Moodle's "immediately after the attempt": the first two minutes.
IMMEDIATELY_FOR = datetime.timedelta(minutes=2)

MOMENT_CHOICES = [
    (Moment.IMMEDIATELY.value, _("Ngay sau khi nộp")),
    (Moment.OPEN.value, _("Sau đó, khi bài còn mở")),
    (Moment.CLOSED.value, _("Sau khi bài đóng")),
]

# Item name → the QuizPage field that holds its moments.
ITEMS = {
    "answer": "review_answer",
    "correctness": "review_correctness",
    "correct_answer": "review_correct_answer",
    "feedback": "review_feedback",
    "score": "review_score",
}
# What gives answers away.
GUARDED = ("correctness", "correct_answer", "feedback")
# The default, safe for any quiz: answers and score always; the rest once
# the quiz has closed.
DEFAULTS = {
    "answer": int(ALL),
    "correctness": int(Moment.CLOSED),
    "correct_answer": int(Moment.CLOSED),
    "feedback": int(Moment.CLOSED),
    "score": int(ALL),
}


class MomentsFormField(forms.TypedMultipleChoiceField):
    """Three checkboxes for a bit mask of :class:`Moment`."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        for name in ("max_value", "min_value", "step_size", "max_length"):
            kwargs.pop(name, None)
        kwargs.update(choices=MOMENT_CHOICES, coerce=int, required=False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [m.value for m in Moment if value & m]
        return value

    def clean(self, value):
        return sum(set(super().clean(value)))

    def has_changed(self, initial, data):
        return self.prepare_value(initial or 0) != [int(v) for v in data or []]


class ReviewMomentsField(models.PositiveSmallIntegerField):
    """A bit mask of :class:`Moment`, edited as three checkboxes."""

    def formfield(self, **kwargs):
        return MomentsFormField(
            label=kwargs.pop("label", self.verbose_name),
            help_text=kwargs.pop("help_text", self.help_text),
            initial=self.get_default(),
        )


def moment_of(attempt, now: datetime.datetime) -> Moment:
    quiz = attempt.quiz
    if quiz.closes_at is not None and now >= quiz.closes_at:
        return Moment.CLOSED
    ended = attempt.submitted_at or attempt.deadline
    if ended is not None and now - ended <= IMMEDIATELY_FOR:
        return Moment.IMMEDIATELY
    return Moment.OPEN


def shown_items(attempt, *, now: datetime.datetime | None = None) -> set[str]:
    """The items of :data:`ITEMS` the learner may see of ``attempt`` now."""
    if attempt.is_live:
        return set()
    now = now or timezone.now()
    quiz = attempt.quiz
    moment = moment_of(attempt, now)
    shown = {item for item, field in ITEMS.items() if getattr(quiz, field) & moment}
    if quiz.counts_for_completion and moment is not Moment.CLOSED:
        shown -= set(GUARDED)
    return shown


def shown_later(attempt, *, now: datetime.datetime | None = None) -> bool:
    """Whether more of the attempt will be shown once the quiz closes."""
    quiz = attempt.quiz
    if attempt.is_live or quiz.closes_at is None:
        return False
    later = {
        item for item, field in ITEMS.items() if getattr(quiz, field) & Moment.CLOSED
    }
    return bool(later - shown_items(attempt, now=now))


def settings_errors(quiz) -> dict[str, str]:
    """Field → message for settings that show answers too early."""
    if not quiz.counts_for_completion:
        return {}
    early = Moment.IMMEDIATELY | Moment.OPEN
    return {
        ITEMS[item]: _(
            "Bài kiểm tra tính vào hoàn thành khóa học chỉ được cho xem mục này "
            "sau khi bài đóng: khi bài còn mở, học viên có thể dùng đáp án "
            "cho lượt sau hoặc chuyển cho người khác."
        )
        for item in GUARDED
        if getattr(quiz, ITEMS[item]) & early
    }
