"""Retention that runs: people anonymised N years after their account ends,
access logs and audit details purged after theirs, certificates still
verifiable. The clock is moved explicitly (time_machine), never read."""

import datetime
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certificates.models import Certificate
from elearning.people.models import AccessLog, StaffProfile, User
from elearning.people.personal_data import personal_data_for
from elearning.people.services import access_log_record, user_set_active

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=VN)


@pytest.fixture
def ended(units, learner, officer, trainer, province_admin, time_machine):
    """The learner holds a certificate, was viewed by the officer and left
    on 05/12/2026 (the account disabled by a province admin)."""
    from tests.test_access_matrix import learning_records

    time_machine.move_to(at(2026, 12, 5), tick=False)
    ctx = learning_records(units, learner, officer, trainer)
    access_log_record(
        actor=officer, action="view", what="Hồ sơ cán bộ", subject_user_id=learner.pk
    )
    user_set_active(user=learner, active=False, actor=province_admin)
    learner.refresh_from_db()
    assert learner.ended_at == at(2026, 12, 5)
    return ctx


def test_the_account_end_is_noted_from_any_screen(learner):
    learner.is_active = False
    learner.save()  # as Wagtail's user admin does
    learner.refresh_from_db()
    assert learner.ended_at is not None
    learner.is_active = True
    learner.save(update_fields=["is_active"])
    learner.refresh_from_db()
    assert learner.ended_at is None


def test_logs_go_after_two_years_people_after_five(
    ended, learner, other_learner, time_machine, client, capsys
):
    certificate = ended["certificate"]
    email = learner.email

    # 2 years and a day later: the logs are due, the person is not.
    time_machine.move_to(at(2028, 12, 6), tick=False)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Chạy thử" in out
    assert "Người được ẩn danh: 0" in out
    logs = AccessLog.objects.filter(subject_user_id=learner.pk).count()
    assert logs >= 1
    assert f"Dòng nhật ký truy cập bị xóa: {AccessLog.objects.count()}" in out
    assert AccessLog.objects.filter(subject_user_id=learner.pk).count() == logs

    call_command("apply_retention")
    assert not AccessLog.objects.exists()
    assert (
        not ModelLogEntry.objects.exclude(data={})
        .filter(timestamp__lt=at(2026, 12, 6))
        .exists()
    )
    assert ModelLogEntry.objects.filter(
        action="people.account_disabled", object_id=str(learner.pk)
    ).exists()  # who did what and when stays
    learner.refresh_from_db()
    assert learner.email == email and learner.anonymised_at is None

    # Five years after the end, less a day: still kept.
    time_machine.move_to(at(2031, 12, 4), tick=False)
    call_command("apply_retention", "--dry-run")
    assert "Người được ẩn danh: 0" in capsys.readouterr().out

    # Five years and a day: the dry run names them and changes nothing.
    time_machine.move_to(at(2031, 12, 6), tick=False)
    call_command("apply_retention", "--dry-run")
    assert f"Người được ẩn danh: 1 (#{learner.pk})" in capsys.readouterr().out
    learner.refresh_from_db()
    assert learner.email == email

    call_command("apply_retention")
    learner.refresh_from_db()
    assert learner.anonymised_at == at(2031, 12, 6)
    assert learner.email == f"an-danh-{learner.pk}@an-danh.invalid"
    assert not learner.has_usable_password()
    profile = StaffProfile.objects.get(user=learner)
    assert profile.full_name == f"N.V.A. (#{learner.pk})"
    assert (profile.date_of_birth, profile.phone, profile.position) == (None, "", "")
    assert profile.unit_id is not None  # past years' figures do not change
    data = personal_data_for(learner)
    assert "Nguyễn Văn An" not in str(data) and email not in str(data)
    assert not ModelLogEntry.objects.filter(label__contains="Nguyễn Văn An").exists()

    # The certificate still verifies: number, course, date, status, initials.
    certificate.refresh_from_db()
    assert certificate.full_name == "N.V.A."
    assert certificate.date_of_birth is None and certificate.agency_name == ""
    assert certificate.status == Certificate.Status.VALID
    cache.clear()
    page = client.get(reverse("certificates:verify_token", args=[certificate.token]))
    text = page.content.decode()
    assert page.status_code == 200
    assert certificate.number in text and "N.V.A." in text
    assert certificate.course_title in text
    assert "Nguyễn Văn An" not in text

    # Someone still working is untouched; a second run does nothing more.
    other_learner.refresh_from_db()
    assert other_learner.anonymised_at is None
    assert other_learner.profile.full_name == "Trần Thị Bình"
    call_command("apply_retention")
    assert "Người được ẩn danh: 0" in capsys.readouterr().out.splitlines()[-3]


def test_the_beat_runs_the_retention_daily(settings, ended, learner, time_machine):
    from elearning.people.tasks import apply_retention

    entry = settings.CELERY_BEAT_SCHEDULE["apply-personal-data-retention"]
    assert entry["task"] == "elearning.people.tasks.apply_retention"
    time_machine.move_to(at(2031, 12, 6), tick=False)
    assert apply_retention.apply().get()["people"] == 1
    assert User.objects.get(pk=learner.pk).anonymised_at is not None
