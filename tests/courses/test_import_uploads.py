"""Uploaded staff lists do not linger: deleted when the import is done, kept at
most IMPORT_UPLOAD_KEEP_DAYS days otherwise; the job keeps counts and
reasons only."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from courses.imports import import_uploads_delete
from courses.models import ImportJob
from tests.factories import AgencyFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.usefixtures("before_the_reform")

HEADER = "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"
GOOD = HEADER + "Ngô Thị Hoa,hoa.nt@xl.example.gov.vn,,,Phòng Nội vụ,741,\n"
BAD = HEADER + "Ngô Thị Hoa,khong-phai-email,,,Phòng Nội vụ,741,\n"


def upload(client, text: str) -> tuple[ImportJob, str]:
    file = io.BytesIO(text.encode())
    file.name = "ds.csv"
    client.post(reverse("courses:import_upload"), {"file": file})
    job = ImportJob.objects.latest("created_at")
    return job, job.file.name


def stored(name: str) -> bool:
    return ImportJob._meta.get_field("file").storage.exists(name)


def test_done_import_deletes_its_upload_and_keeps_counts(client, officer, units):
    # A namesake, so that the preview kept names and addresses to ask about.
    agency = AgencyFactory(unit=units["741"], name="Phòng Nội vụ")
    StaffProfileFactory(
        user=UserFactory(email="hoa.cu@xl.example.gov.vn", role="learner"),
        full_name="Ngô Thị Hoa",
        agency=agency,
        unit=units["741"],
    )
    client.force_login(officer)
    job, name = upload(client, GOOD)
    assert stored(name) and job.result["possible"]
    client.post(reverse("courses:import_job", args=[job.token]), {"dup-2": "new"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert not job.file and not stored(name)
    assert "possible" not in job.result
    assert job.result["done"]["users_created"] == 1
    assert job.result["preview"]["users_created"] == 1
    assert job.decisions == {"2": "new"}
    page = client.get(reverse("courses:import_job", args=[job.token]))
    assert "Đã nhập xong." in page.content.decode()


def test_refused_upload_is_kept_for_the_officer_then_deleted(
    client, officer, units, time_machine
):
    client.force_login(officer)
    job, name = upload(client, BAD)
    assert job.status == ImportJob.Status.INVALID
    time_machine.shift(datetime.timedelta(days=6, hours=23))
    assert import_uploads_delete() == 0
    assert stored(name)
    time_machine.shift(datetime.timedelta(hours=1))
    assert import_uploads_delete() == 1
    job.refresh_from_db()
    assert not job.file and not stored(name)
    # The reasons stay, readable on the job's page.
    assert job.status == ImportJob.Status.INVALID
    assert [e["line"] for e in job.errors] == [2]
    client.force_login(officer)  # a week later: signed in again
    page = client.get(reverse("courses:import_job", args=[job.token])).content
    assert "khong-phai-email" in page.decode()


def test_unconfirmed_upload_expires_and_the_job_says_so(
    client, officer, units, time_machine
):
    client.force_login(officer)
    job, name = upload(client, GOOD)
    assert job.status == ImportJob.Status.READY
    time_machine.shift(datetime.timedelta(days=settings.IMPORT_UPLOAD_KEEP_DAYS))
    call_command("delete_import_uploads")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not stored(name)
    url = reverse("courses:import_job", args=[job.token])
    client.force_login(officer)  # a week later: signed in again
    page = client.get(url).content.decode()
    assert "Tệp tải lên đã được xóa sau 7 ngày" in page
    # Nothing left to confirm.
    assert client.post(url).status_code == 404


def test_keep_days_is_a_setting(client, officer, units, settings, time_machine):
    settings.IMPORT_UPLOAD_KEEP_DAYS = 2
    client.force_login(officer)
    _job, name = upload(client, BAD)
    time_machine.shift(datetime.timedelta(days=1))
    assert import_uploads_delete() == 0
    time_machine.shift(datetime.timedelta(days=1))
    assert import_uploads_delete() == 1 and not stored(name)


def test_beat_runs_the_deletion_hourly():
    from courses import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["delete-old-import-uploads"]
    assert entry["schedule"] <= 3600
    assert entry["task"] == tasks.import_uploads_delete.name
