"""What the quizzes app holds about a person, for the personal-data registry
(``elearning.people.personal_data``; registered in apps.py)."""

from __future__ import annotations

from typing import Any

from .models import Attempt, AttemptAnswer


def attempt_records(user) -> list[dict[str, Any]]:
    return [
        {
            "quiz": a.quiz.title,
            "number": a.number,
            "started_at": a.started_at,
            "submitted_at": a.submitted_at,
            "state": a.get_state_display(),
            "score": a.score,
            "passed": a.passed,
        }
        for a in Attempt.objects.filter(learner=user)
        .select_related("quiz")
        .order_by("started_at")
    ]


def answer_records(user) -> list[dict[str, Any]]:
    return [
        {
            "quiz": a.attempt.quiz.title,
            "attempt": a.attempt.number,
            "slot": a.slot + 1,
            "question": (a.snapshot or {}).get("text", ""),
            "response": a.response,
            "points": a.points,
            "saved_at": a.saved_at,
        }
        for a in AttemptAnswer.objects.filter(attempt__learner=user)
        .select_related("attempt__quiz")
        .order_by("attempt__started_at", "slot")
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.people.personal_data import Kind, register_personal_data

    purpose = _("Tổ chức bồi dưỡng: kiểm tra, đánh giá kết quả")
    retention = _(
        "Trong thời gian công tác; ẩn danh %(profile_years)s năm sau khi tài "
        "khoản kết thúc"
    )
    register_personal_data(
        Kind(
            key="quiz_attempts",
            label=_("Lượt làm bài kiểm tra"),
            columns=(
                ("quiz", _("Bài kiểm tra")),
                ("number", _("Lượt")),
                ("started_at", _("Bắt đầu lúc")),
                ("submitted_at", _("Nộp lúc")),
                ("state", _("Trạng thái")),
                ("score", _("Điểm (%)")),
                ("passed", _("Đạt")),
            ),
            records=attempt_records,
            holders=lambda: Attempt.objects.values_list("learner_id", flat=True),
            purpose=purpose,
            retention=retention,
            app="quizzes",
        )
    )
    register_personal_data(
        Kind(
            key="quiz_answers",
            label=_("Câu trả lời bài kiểm tra"),
            columns=(
                ("quiz", _("Bài kiểm tra")),
                ("attempt", _("Lượt")),
                ("slot", _("Câu")),
                ("question", _("Câu hỏi")),
                ("response", _("Câu trả lời")),
                ("points", _("Điểm")),
                ("saved_at", _("Lưu lúc")),
            ),
            records=answer_records,
            holders=lambda: AttemptAnswer.objects.values_list(
                "attempt__learner_id", flat=True
            ),
            purpose=purpose,
            retention=retention,
            app="quizzes",
        )
    )
