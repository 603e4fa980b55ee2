"""What the certificates app holds about a person, for the personal-data
registry (``elearning.people.personal_data``; registered in apps.py)."""

from __future__ import annotations

from typing import Any

from .models import Certificate


def certificate_records(user) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "course": c.course_title,
            "full_name": c.full_name,
            "date_of_birth": c.date_of_birth,
            "agency": c.agency_name,
            "unit": c.unit_name,
            "score": c.score,
            "grade": c.grade,
            "issued_at": c.issued_at,
            "status": c.get_status_display(),
            "revoked_at": c.revoked_at,
        }
        for c in Certificate.objects.filter(learner=user).order_by("issued_at")
    ]


def certificates_anonymise(user_ids: list[int]) -> None:
    """Keep what verifies a certificate (number, course, dates, status) and
    the holder's initials; drop the name, birth date and agency. The PDF
    carries the full name: it is deleted (the holder has their copy)."""
    from elearning.people.names import initials

    for certificate in Certificate.objects.filter(learner_id__in=user_ids):
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.full_name = initials(certificate.full_name)
        certificate.date_of_birth = None
        certificate.agency_name = ""
        certificate.save(
            update_fields=["full_name", "date_of_birth", "agency_name", "pdf"]
        )


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.people.personal_data import Kind, register_personal_data

    register_personal_data(
        Kind(
            key="certificates",
            label=_("Giấy chứng nhận"),
            columns=(
                ("number", _("Số giấy chứng nhận")),
                ("course", _("Khóa bồi dưỡng")),
                ("full_name", _("Họ và tên")),
                ("date_of_birth", _("Ngày sinh")),
                ("agency", _("Đơn vị công tác")),
                ("unit", _("Đơn vị cấp")),
                ("score", _("Điểm")),
                ("grade", _("Xếp loại")),
                ("issued_at", _("Ngày cấp")),
                ("status", _("Trạng thái")),
                ("revoked_at", _("Ngày thu hồi")),
            ),
            records=certificate_records,
            holders=lambda: Certificate.objects.values_list("learner_id", flat=True),
            purpose=_("Cấp, xác minh và thu hồi giấy chứng nhận"),
            retention=_(
                "Sổ cấp giấy chứng nhận: lưu theo quy định về lưu trữ; sau "
                "%(profile_years)s năm kể từ khi tài khoản kết thúc chỉ giữ số, "
                "khóa học, ngày cấp, trạng thái và chữ cái đầu của họ tên"
            ),
            app="certificates",
            anonymise=certificates_anonymise,
        )
    )
