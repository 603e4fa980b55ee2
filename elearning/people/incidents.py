"""Records for the authority: the register of processing activities and the
register of personal-data incidents.

The register of processing activities is generated, not written: one row per
kind of personal data in the registry (``personal_data``), with its purpose,
legal basis, data fields, who may see it and how long it is kept (from the
settings), and the number of people it holds data about.

An incident names the kinds of data it touched and, optionally, a unit; the
people affected are those the registry says hold such data (in that unit and
beneath it). The authority is to be told within 72 hours of discovery
(``DataIncident.notify_by``); :func:`incident_notification_text` drafts the
notice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AdministrativeUnit, DataIncident, StaffProfile, User
from .personal_data import Kind, personal_data_holders, personal_data_kinds

CONTROLLER = gettext_lazy("Sở Khoa học và Công nghệ tỉnh Đồng Nai")

# Who may see each app's records besides the person (docs/people.md, Roles).
ACCESS = {
    "people": gettext_lazy("Cán bộ phụ trách của đơn vị; quản trị cấp tỉnh"),
    "courses": gettext_lazy("Cán bộ phụ trách của đơn vị; quản trị cấp tỉnh"),
    "h5p": gettext_lazy(
        "Cán bộ phụ trách của đơn vị; giảng viên khóa học; quản trị cấp tỉnh"
    ),
    "quizzes": gettext_lazy(
        "Cán bộ phụ trách của đơn vị; giảng viên khóa học; quản trị cấp tỉnh"
    ),
    "attendance": gettext_lazy(
        "Cán bộ phụ trách của đơn vị; giảng viên của lớp; quản trị cấp tỉnh"
    ),
    "certificates": gettext_lazy(
        "Cán bộ phụ trách của đơn vị; quản trị cấp tỉnh; trang xác minh công khai "
        "(họ tên, khóa học, số và ngày cấp)"
    ),
}


@dataclass
class ProcessingActivity:
    kind: Kind
    fields: str
    access: str
    people: int


def processing_activities() -> list[ProcessingActivity]:
    """The register of processing activities: one row per registered kind
    (one query per kind, to count the people)."""
    return [
        ProcessingActivity(
            kind=kind,
            fields=", ".join(str(label) for _key, label in kind.columns),
            access=str(ACCESS.get(kind.app, ACCESS["people"])),
            people=kind.holders().order_by().distinct().count(),
        )
        for kind in personal_data_kinds()
    ]


def processing_activities_rows() -> list[list]:
    header = [
        _("Loại dữ liệu"),
        _("Dữ liệu"),
        _("Mục đích xử lý"),
        _("Cơ sở pháp lý"),
        _("Ai được xem"),
        _("Thời gian lưu giữ"),
        _("Số người"),
        _("Chuyển cho bên thứ ba, ra nước ngoài"),
    ]
    return [
        header,
        *[
            [
                str(a.kind.label),
                a.fields,
                str(a.kind.purpose),
                a.kind.legal_basis_label,
                a.access,
                a.kind.retention_text,
                a.people,
                _("Không"),
            ]
            for a in processing_activities()
        ],
    ]


def processing_activities_xlsx() -> bytes:
    from elearning.reports.exports import sheets_xlsx

    title = _(
        "Hồ sơ hoạt động xử lý dữ liệu cá nhân – %(controller)s – ngày %(day)s"
    ) % {
        "controller": CONTROLLER,
        "day": timezone.localdate().strftime("%d/%m/%Y"),
    }
    return sheets_xlsx(
        [(str(_("Hoạt động xử lý"))[:31], title, processing_activities_rows())]
    )


# --- Incidents ---------------------------------------------------------------------


def incident_affected(*, kinds: list[str], unit: AdministrativeUnit | None) -> set[int]:
    """The people holding data of ``kinds`` (in ``unit`` and beneath it)."""
    ids = personal_data_holders(kinds)
    if unit is not None:
        ids &= set(
            StaffProfile.objects.filter(
                user_id__in=ids, unit_id__in=unit.subtree_ids()
            ).values_list("user_id", flat=True)
        )
    return ids


@transaction.atomic
def incident_record(
    *,
    title: str,
    description: str,
    discovered_at: datetime.datetime,
    kinds: list[str],
    unit: AdministrativeUnit | None,
    measures: str,
    actor: User,
) -> DataIncident:
    from wagtail.log_actions import log

    known = {kind.key for kind in personal_data_kinds()}
    if not kinds or set(kinds) - known:
        raise ValidationError(_("Chọn ít nhất một loại dữ liệu bị ảnh hưởng."))
    if discovered_at > timezone.now():
        raise ValidationError(_("Thời điểm phát hiện không thể ở tương lai."))
    incident = DataIncident(
        title=title.strip(),
        description=description.strip(),
        discovered_at=discovered_at,
        kinds=sorted(kinds),
        unit=unit,
        measures=measures.strip(),
        affected_count=len(incident_affected(kinds=kinds, unit=unit)),
        recorded_by=actor,
    )
    incident.full_clean()
    incident.save()
    log(instance=incident, action="people.incident.recorded", user=actor)
    return incident


@transaction.atomic
def incident_mark_notified(*, incident: DataIncident, actor: User) -> DataIncident:
    from wagtail.log_actions import log

    if incident.notified_at is None:
        incident.notified_at = timezone.now()
        incident.save(update_fields=["notified_at"])
        log(instance=incident, action="people.incident.notified", user=actor)
    return incident


def incident_hours_left(
    incident: DataIncident, *, now: datetime.datetime | None = None
) -> float:
    """Hours left before the 72-hour deadline (negative: late)."""
    now = now or timezone.now()
    return (incident.notify_by - now).total_seconds() / 3600


def incident_notification_text(incident: DataIncident) -> str:
    """A draft of the notice to the authority, in Vietnamese."""
    labels = {kind.key: str(kind.label) for kind in personal_data_kinds()}
    local = timezone.localtime(incident.discovered_at)
    return _(
        "Kính gửi: Cơ quan chuyên trách bảo vệ dữ liệu cá nhân (Bộ Công an).\n\n"
        "%(controller)s thông báo vi phạm quy định bảo vệ dữ liệu cá nhân trên Hệ "
        "thống học trực tuyến:\n"
        "1. Sự cố: %(title)s.\n"
        "2. Thời điểm phát hiện: %(time)s ngày %(day)s.\n"
        "3. Diễn biến: %(description)s\n"
        "4. Loại dữ liệu cá nhân bị ảnh hưởng: %(kinds)s.\n"
        "5. Phạm vi: %(scope)s; số chủ thể dữ liệu bị ảnh hưởng: %(count)s người.\n"
        "6. Biện pháp đã thực hiện: %(measures)s\n"
        "7. Đầu mối liên hệ: %(contact)s."
    ) % {
        "controller": CONTROLLER,
        "title": incident.title,
        "time": local.strftime("%H:%M"),
        "day": local.strftime("%d/%m/%Y"),
        "description": incident.description,
        "kinds": ", ".join(labels.get(key, key) for key in incident.kinds),
        "scope": incident.unit.full_name if incident.unit_id else _("toàn hệ thống"),
        "count": incident.affected_count,
        "measures": incident.measures or "—",
        "contact": settings.DEFAULT_FROM_EMAIL,
    }
