"""What the attendance app holds about a person, for the personal-data
registry (``elearning.people.personal_data``; registered in apps.py)."""

from __future__ import annotations

from typing import Any

from .models import AttendanceRecord, ClassMembership


def membership_records(user) -> list[dict[str, Any]]:
    return [
        {
            "class_code": m.training_class.code,
            "class_name": m.training_class.name,
            "added_by": str(m.added_by) if m.added_by_id else "",
            "added_at": m.added_at,
        }
        for m in ClassMembership.objects.filter(learner=user)
        .select_related("training_class", "added_by__profile")
        .order_by("added_at")
    ]


def attendance_records(user) -> list[dict[str, Any]]:
    return [
        {
            "class_code": r.session.training_class.code,
            "session_start": r.session.start,
            "status": r.get_status_display(),
            "method": r.get_method_display(),
            "recorded_by": str(r.recorded_by) if r.recorded_by_id else "",
            "recorded_at": r.recorded_at,
            "note": r.note,
        }
        for r in AttendanceRecord.objects.filter(learner=user)
        .select_related("session__training_class", "recorded_by__profile")
        .order_by("session__start")
    ]


def attendance_notes_clear(user_ids: list[int]) -> None:
    """A trainer's note may say why someone was absent: it goes."""
    AttendanceRecord.objects.filter(learner_id__in=user_ids).exclude(note="").update(
        note=""
    )


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.people.personal_data import Kind, register_personal_data

    purpose = _("Tổ chức lớp tập huấn: danh sách lớp, điểm danh")
    retention = _(
        "Trong thời gian công tác; ẩn danh %(profile_years)s năm sau khi tài "
        "khoản kết thúc"
    )
    register_personal_data(
        Kind(
            key="class_memberships",
            label=_("Lớp tập huấn"),
            columns=(
                ("class_code", _("Mã lớp")),
                ("class_name", _("Tên lớp")),
                ("added_by", _("Người thêm")),
                ("added_at", _("Thêm lúc")),
            ),
            records=membership_records,
            holders=lambda: ClassMembership.objects.values_list(
                "learner_id", flat=True
            ),
            purpose=purpose,
            retention=retention,
            app="attendance",
        )
    )
    register_personal_data(
        Kind(
            key="attendance",
            label=_("Điểm danh"),
            columns=(
                ("class_code", _("Mã lớp")),
                ("session_start", _("Buổi học")),
                ("status", _("Trạng thái")),
                ("method", _("Cách điểm danh")),
                ("recorded_by", _("Người điểm danh")),
                ("recorded_at", _("Điểm danh lúc")),
                ("note", _("Ghi chú")),
            ),
            records=attendance_records,
            anonymise=attendance_notes_clear,
            holders=lambda: AttendanceRecord.objects.values_list(
                "learner_id", flat=True
            ),
            purpose=purpose,
            retention=retention,
            app="attendance",
        )
    )
