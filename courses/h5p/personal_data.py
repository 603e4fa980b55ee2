"""What the H5P app holds about a person, for the personal-data registry
(``elearning.people.personal_data``; registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from .models import H5PAttempt, H5PState


def h5p_attempt_records(user) -> list[dict[str, Any]]:
    return [
        {
            "exercise": a.version.content.title,
            "number": a.number,
            "started_at": a.started_at,
            "finished_at": a.finished_at,
            "raw_score": a.raw_score,
            "max_score": a.max_score,
            "success": a.success,
            "statements": a.n_statements,
        }
        for a in H5PAttempt.objects.filter(learner=user)
        .select_related("version__content")
        .annotate(n_statements=Count("statements"))
        .order_by("started_at")
    ]


def h5p_state_records(user) -> list[dict[str, Any]]:
    return [
        {
            "exercise": s.content.title,
            "data_type": s.data_type,
            "data": s.data,
            "updated_at": s.updated_at,
        }
        for s in H5PState.objects.filter(learner=user)
        .select_related("content")
        .order_by("updated_at")
    ]


def h5p_states_delete(user_ids: list[int]) -> None:
    """Saved progress is worth nothing once the account has ended."""
    H5PState.objects.filter(learner_id__in=user_ids).delete()


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.people.personal_data import Kind, register_personal_data

    purpose = _("Tổ chức bồi dưỡng: bài tập tương tác và kết quả")
    retention = _(
        "Trong thời gian công tác; ẩn danh %(profile_years)s năm sau khi tài "
        "khoản kết thúc"
    )
    register_personal_data(
        Kind(
            key="h5p_attempts",
            label=_("Kết quả bài tập H5P"),
            columns=(
                ("exercise", _("Bài tập")),
                ("number", _("Lượt")),
                ("started_at", _("Bắt đầu")),
                ("finished_at", _("Kết thúc")),
                ("raw_score", _("Điểm")),
                ("max_score", _("Điểm tối đa")),
                ("success", _("Đạt")),
                ("statements", _("Số câu lệnh xAPI đã nhận")),
            ),
            records=h5p_attempt_records,
            holders=lambda: H5PAttempt.objects.values_list("learner_id", flat=True),
            purpose=purpose,
            retention=retention,
            app="h5p",
        )
    )
    register_personal_data(
        Kind(
            key="h5p_states",
            label=_("Bài tập H5P đang làm dở"),
            columns=(
                ("exercise", _("Bài tập")),
                ("data_type", _("Loại dữ liệu")),
                ("data", _("Dữ liệu")),
                ("updated_at", _("Cập nhật lúc")),
            ),
            records=h5p_state_records,
            holders=lambda: H5PState.objects.values_list("learner_id", flat=True),
            purpose=purpose,
            retention=retention,
            app="h5p",
            anonymise=h5p_states_delete,
        )
    )
