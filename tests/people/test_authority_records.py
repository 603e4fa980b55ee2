"""Records for the authority: the register of processing activities, made
from the personal-data registry and the settings, and the incident register
with the people affected computed from the registry and a 72-hour clock."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from elearning.people.incidents import (
    incident_affected,
    incident_hours_left,
    incident_notification_text,
    incident_record,
    processing_activities,
)
from elearning.people.models import DataIncident
from elearning.people.personal_data import personal_data_kinds
from tests.factories import reauthenticate

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 12, 5, 10, tzinfo=VN)


def test_the_register_has_a_row_per_registered_kind_with_the_settings(
    settings, learner
):
    settings.PERSONAL_DATA_PROFILE_YEARS = 7
    activities = processing_activities()
    assert [a.kind.key for a in activities] == [k.key for k in personal_data_kinds()]
    profile = next(a for a in activities if a.kind.key == "profile")
    assert "7 năm" in profile.kind.retention_text
    assert "Ngày sinh" in profile.fields
    assert profile.people >= 1
    assert "nhiệm vụ công" in profile.kind.legal_basis_label


def test_admins_export_the_register(client, province_admin, officer):
    client.force_login(officer)
    assert client.get(reverse("people:processing_register")).status_code == 403
    client.force_login(province_admin)
    reauthenticate(client)
    page = client.get(reverse("people:processing_register")).content.decode()
    assert "Hồ sơ công tác" in page and "Giấy chứng nhận" in page
    response = client.get(reverse("people:processing_register"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "Loại dữ liệu"
    assert len(rows) == 2 + len(personal_data_kinds())


def test_people_affected_come_from_the_registry(
    time_machine, learner, other_learner, officer, province_admin, units
):
    from elearning.people.services import access_log_record

    time_machine.move_to(NOW, tick=False)
    access_log_record(
        actor=officer, action="view", what="x", subject_user_id=learner.pk
    )
    # Everyone has a profile; only the learner has access-log lines about them.
    assert incident_affected(kinds=["access_log"], unit=None) == {learner.pk}
    everyone = incident_affected(kinds=["profile"], unit=None)
    assert {learner.pk, other_learner.pk, officer.pk} <= everyone
    in_xuan_loc = incident_affected(kinds=["profile"], unit=units["741"])
    assert learner.pk in in_xuan_loc and other_learner.pk not in in_xuan_loc

    incident = incident_record(
        title="Lộ danh sách cán bộ Xuân Lộc",
        description="Tệp danh sách bị gửi nhầm địa chỉ.",
        discovered_at=NOW - datetime.timedelta(hours=2),
        kinds=["profile"],
        unit=units["741"],
        measures="Đã thu hồi thư.",
        actor=province_admin,
    )
    assert incident.affected_count == len(in_xuan_loc)
    assert incident.notify_by == NOW + datetime.timedelta(hours=70)
    assert incident_hours_left(incident) == 70
    text = incident_notification_text(incident)
    assert "Lộ danh sách cán bộ Xuân Lộc" in text
    assert "08:00 ngày 05/12/2026" in text
    assert "Hồ sơ công tác" in text and f"{len(in_xuan_loc)} người" in text
    assert ModelLogEntry.objects.filter(action="people.incident.recorded").exists()

    time_machine.move_to(NOW + datetime.timedelta(hours=71), tick=False)
    assert incident_hours_left(incident) == -1


@pytest.mark.parametrize(
    ("kinds", "offset"),
    [([], -1), (["nothing"], -1), (["profile"], +1)],
    ids=["no-kind", "unknown-kind", "future"],
)
def test_bad_incidents_are_refused(province_admin, kinds, offset):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        incident_record(
            title="x",
            description="y",
            discovered_at=timezone.now() + datetime.timedelta(hours=offset),
            kinds=kinds,
            unit=None,
            measures="",
            actor=province_admin,
        )
    assert not DataIncident.objects.exists()


def test_admin_records_an_incident_and_marks_it_notified(
    client, time_machine, province_admin, learner
):
    time_machine.move_to(NOW, tick=False)
    client.force_login(province_admin)
    response = client.post(
        reverse("people:incidents"),
        {
            "title": "Máy chủ bị truy cập trái phép",
            "description": "Phát hiện đăng nhập lạ.",
            "discovered_at": "05/12/2026 09:00",
            "kinds": ["account", "profile"],
            "measures": "Đổi khóa bí mật.",
        },
    )
    incident = DataIncident.objects.get()
    assert response["Location"] == reverse("people:incident", args=[incident.pk])
    page = client.get(response["Location"]).content.decode()
    assert "còn 71 giờ" in page and "Cơ quan chuyên trách" in page
    listing = client.get(reverse("people:incidents")).content.decode()
    assert "Còn 71 giờ" in listing
    client.post(response["Location"], {"action": "notified"})
    incident.refresh_from_db()
    assert incident.notified_at == NOW
    assert "Đã thông báo" in client.get(reverse("people:incidents")).content.decode()


def test_the_admin_menu_leads_province_admins_to_both_registers(
    client, province_admin, officer
):
    client.force_login(province_admin)
    page = client.get("/admin/").content.decode()
    assert reverse("people:processing_register") in page
    assert reverse("people:incidents") in page
    client.force_login(officer)
    page = client.get("/admin/").content.decode()
    assert reverse("people:incidents") not in page
