"""Everything the platform holds about a person: the registry and "Dữ liệu
của tôi" (JSON and XLSX)."""

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from elearning.people.models import AccessLog
from elearning.people.personal_data import (
    personal_data_for,
    personal_data_holders,
    personal_data_kinds,
)
from tests.factories import reauthenticate

pytestmark = pytest.mark.django_db

EXPECTED_KINDS = {
    "account",
    "profile",
    "privacy_consents",
    "access_log",
    "enrolments",
    "lesson_progress",
    "lesson_study",
    "h5p_attempts",
    "h5p_states",
    "quiz_attempts",
    "quiz_answers",
    "class_memberships",
    "attendance",
    "certificates",
}


@pytest.fixture
def records(units, learner, officer, trainer, time_machine):
    """The learner with at least one record of every kind, each made through
    its app's service."""
    from courses.attendance.models import AttendanceRecord
    from courses.attendance.services import attendance_mark
    from courses.h5p.services import state_save
    from courses.services import lesson_complete, lesson_study_beat
    from elearning.people.services import access_log_record
    from tests.test_access_matrix import learning_records

    ctx = learning_records(units, learner, officer, trainer)
    attendance_mark(
        session=ctx["session"],
        learner=learner,
        status=AttendanceRecord.Status.PRESENT,
        method=AttendanceRecord.Method.TRAINER,
        recorded_by=trainer,
    )
    lesson = ctx["lesson"]
    lesson.min_study_seconds = 30
    lesson.save()
    time_machine.move_to(timezone.now(), tick=False)
    for _beat in range(4):
        lesson_study_beat(learner=learner, lesson=lesson, visible=True)
        time_machine.shift(15)
    lesson_complete(learner=learner, lesson=lesson)
    state_save(
        learner=learner,
        content=ctx["h5p_version"].content,
        data_type="state",
        sub_content_id="",
        data='{"answers": [true]}',
    )
    access_log_record(
        actor=officer,
        action=AccessLog.Action.VIEW,
        what="Hồ sơ cán bộ",
        subject_user_id=learner.pk,
    )
    return ctx


def test_every_app_registers_what_it_holds():
    assert {kind.key for kind in personal_data_kinds()} >= EXPECTED_KINDS
    for kind in personal_data_kinds():
        assert kind.columns and str(kind.label) and str(kind.purpose)
        assert kind.retention_text  # the periods fill in


def test_a_person_with_every_kind_finds_each_of_them(records, learner, other_learner):
    data = personal_data_for(learner)
    empty = [kind.key for kind in personal_data_kinds() if not data[kind.key]]
    assert empty == [], f"no record of {empty} for a person who has them"
    assert personal_data_for(other_learner)["enrolments"] == []
    # Every column a kind declares is in its records.
    for kind in personal_data_kinds():
        for record in data[kind.key]:
            assert set(record) >= {key for key, _label in kind.columns}, kind.key
    holders = personal_data_holders()
    assert learner.pk in holders


def test_download_json_contains_every_kind(client, records, learner, other_learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.get(reverse("people:my_data_download"), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)
    for kind in personal_data_kinds():
        assert data[kind.key], kind.key
    assert data["account"][0]["email"] == learner.email
    assert data["profile"][0]["full_name"] == "Nguyễn Văn An"
    assert data["certificates"][0]["number"] == records["certificate"].number
    assert data["attendance"][0]["status"] == "Có mặt"
    assert other_learner.email not in response.content.decode()
    # The download itself is in the access log, about the learner.
    assert AccessLog.objects.filter(
        actor=learner, action="export", subject_user_id=learner.pk
    ).exists()


def test_download_xlsx_has_a_sheet_per_kind(client, records, learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.get(reverse("people:my_data_download"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    kinds = personal_data_kinds()
    assert len(workbook.sheetnames) == len(kinds)
    for sheet, kind in zip(workbook.worksheets, kinds, strict=True):
        # Title, header, at least one record.
        assert sheet.cell(row=1, column=1).value == str(kind.label)
        header = [c.value for c in sheet[2]][: len(kind.columns)]
        assert header == [str(label) for _key, label in kind.columns]
        assert sheet.max_row >= 3, kind.key
    profile = workbook.worksheets[[k.key for k in kinds].index("profile")]
    assert profile.cell(row=3, column=1).value == "Nguyễn Văn An"


def test_download_asks_for_recent_reauthentication(client, learner):
    client.force_login(learner)
    response = client.get(reverse("people:my_data_download"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not AccessLog.objects.filter(action="export").exists()


def test_my_data_page_lists_every_kind(client, records, learner):
    client.force_login(learner)
    response = client.get(reverse("people:my_data"))
    text = response.content.decode()
    for kind in personal_data_kinds():
        assert f'id="kind-{kind.key}"' in text
    assert "Nguyễn Văn An" in text
