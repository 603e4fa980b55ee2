"""What the courses app holds about a person, for the personal-data
registry (``elearning.people.personal_data``; registered in apps.py)."""

from __future__ import annotations

from typing import Any

from .models import Enrolment, LessonProgress, LessonStudy


def enrolment_records(user) -> list[dict[str, Any]]:
    return [
        {
            "course": e.course.title,
            "status": e.get_status_display(),
            "source": e.get_source_display(),
            "enrolled_by": str(e.enrolled_by) if e.enrolled_by_id else "",
            "created_at": e.created_at,
            "completed_at": e.completed_at,
            "decision_reason": e.decision_reason,
        }
        for e in Enrolment.objects.filter(learner=user)
        .select_related("course", "enrolled_by__profile")
        .order_by("created_at")
    ]


def lesson_progress_records(user) -> list[dict[str, Any]]:
    return [
        {
            "course": p.enrolment.course.title,
            "lesson": p.page.title,
            "completed_at": p.completed_at,
        }
        for p in LessonProgress.objects.filter(enrolment__learner=user)
        .select_related("enrolment__course", "page")
        .order_by("completed_at")
    ]


def lesson_study_records(user) -> list[dict[str, Any]]:
    return [
        {
            "lesson": s.lesson.title,
            "first_opened_at": s.first_opened_at,
            "last_beat_at": s.last_beat_at,
            "minutes": round(s.seconds_visible / 60, 1),
            "video_minutes": round(s.video_seconds / 60, 1),
        }
        for s in LessonStudy.objects.filter(learner=user)
        .select_related("lesson")
        .order_by("first_opened_at")
    ]


def enrolment_reasons_clear(user_ids: list[int]) -> None:
    """A refusal's or withdrawal's reason may be about the person: it goes."""
    Enrolment.objects.filter(learner_id__in=user_ids).exclude(
        decision_reason=""
    ).update(decision_reason="")


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.people.personal_data import Kind, register_personal_data

    purpose = _("Tổ chức bồi dưỡng: ghi danh, học tập, theo dõi tiến độ")
    retention = _(
        "Trong thời gian công tác; ẩn danh %(profile_years)s năm sau khi tài "
        "khoản kết thúc"
    )
    register_personal_data(
        Kind(
            key="enrolments",
            label=_("Ghi danh"),
            columns=(
                ("course", _("Khóa học")),
                ("status", _("Trạng thái")),
                ("source", _("Nguồn")),
                ("enrolled_by", _("Người ghi danh")),
                ("created_at", _("Ngày ghi danh")),
                ("completed_at", _("Ngày hoàn thành")),
                ("decision_reason", _("Lý do")),
            ),
            records=enrolment_records,
            anonymise=enrolment_reasons_clear,
            holders=lambda: Enrolment.objects.values_list("learner_id", flat=True),
            purpose=purpose,
            retention=retention,
            app="courses",
        )
    )
    register_personal_data(
        Kind(
            key="lesson_progress",
            label=_("Tiến độ bài học"),
            columns=(
                ("course", _("Khóa học")),
                ("lesson", _("Bài học")),
                ("completed_at", _("Hoàn thành lúc")),
            ),
            records=lesson_progress_records,
            holders=lambda: LessonProgress.objects.values_list(
                "enrolment__learner_id", flat=True
            ),
            purpose=purpose,
            retention=retention,
            app="courses",
        )
    )
    register_personal_data(
        Kind(
            key="lesson_study",
            label=_("Thời gian học bài"),
            columns=(
                ("lesson", _("Bài học")),
                ("first_opened_at", _("Mở lần đầu lúc")),
                ("last_beat_at", _("Học gần nhất lúc")),
                ("minutes", _("Thời gian học (phút)")),
                ("video_minutes", _("Thời gian xem video (phút)")),
            ),
            records=lesson_study_records,
            holders=lambda: LessonStudy.objects.values_list("learner_id", flat=True),
            purpose=purpose,
            retention=retention,
            app="courses",
        )
    )
