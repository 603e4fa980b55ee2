"""An officer's staff file cannot take over an account it does not own.

Written as the attack was made: the officer of Xuân Lộc uploads a file whose
rows carry the email of a province admin and a trainer made without a unit,
a self-registered account, a fellow officer of the same district and an
account of another district. Every such row is refused with its reason and
nothing is written; the officer's own learner in the same file is accepted
(so the test can fail). The command line, run by an administrator, may, and
says what it did."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses.models import ImportJob
from elearning.people.models import Role, StaffProfile
from tests.factories import UserFactory, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]
HEADER = "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"


@pytest.fixture
def targets(units, other_learner):
    return {
        "admin": UserFactory(email="quantri@stttt.example.gov.vn", role=Role.ADMIN),
        "trainer": UserFactory(
            email="giangvien@stttt.example.gov.vn", role=Role.TRAINER
        ),
        "self_registered": UserFactory(email="tu.dang.ky@gmail.example.com"),
        "fellow_officer": make_person(
            role=Role.OFFICER,
            unit=units["741"],
            full_name="Lê Văn Phó",
            email="pho.lv@xuanloc.example.gov.vn",
        ),
        "other_district": other_learner,
    }


def staff_file(emails: list[str]) -> io.BytesIO:
    rows = "".join(
        f"Kẻ Mạo Danh {i},{email},01/01/1990,,Phòng Văn hóa,741,cong_chuc\n"
        for i, email in enumerate(emails, 1)
    )
    data = io.BytesIO((HEADER + rows).encode())
    data.name = "danh-sach.csv"
    return data


def test_officer_upload_refuses_every_account_it_does_not_own(
    client, officer, learner, targets
):
    emails = [learner.email] + [u.email for u in targets.values()]
    client.force_login(officer)
    client.post(reverse("courses:import_upload"), {"file": staff_file(emails)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    refused = {e["line"]: e for e in job.errors}
    # Line 2 is the officer's own learner; lines 3–7 the accounts above.
    assert sorted(refused) == [3, 4, 5, 6, 7]
    assert all(e["column"] == "email" for e in refused.values())
    page = client.get(reverse("courses:import_job", args=[job.token])).content.decode()
    assert page.count("chưa gắn với đơn vị nào") == 3  # admin, trainer, self-made
    assert "cán bộ phụ trách, giảng viên hoặc quản trị" in page  # fellow officer
    assert "ngoài đơn vị bạn quản lý" in page  # another district
    # Confirming an invalid job writes nothing.
    client.post(reverse("courses:import_job", args=[job.token]))
    for user in targets.values():
        user.refresh_from_db()
        assert "Mạo Danh" not in user.get_full_name()
    assert not StaffProfile.objects.filter(full_name__contains="Mạo Danh").exists()
    assert not StaffProfile.objects.filter(user=targets["admin"]).exists()


def test_own_learner_alone_is_updated(client, officer, learner):
    client.force_login(officer)
    client.post(reverse("courses:import_upload"), {"file": staff_file([learner.email])})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY, job.errors
    client.post(reverse("courses:import_job", args=[job.token]))
    learner.profile.refresh_from_db()
    assert learner.profile.full_name == "Kẻ Mạo Danh 1"


def test_the_command_line_may_and_says_what_it_did(units, targets, tmp_path, capsys):
    path = tmp_path / "ds.csv"
    path.write_bytes(staff_file([targets["trainer"].email]).getvalue())
    call_command("import_staff", str(path), "--unit", "741", "--dry-run")
    out = capsys.readouterr().out
    assert "Sẽ cập nhật dòng 2" in out and "chưa gắn với đơn vị nào" in out
    assert not StaffProfile.objects.filter(user=targets["trainer"]).exists()
    call_command("import_staff", str(path), "--unit", "741")
    assert "Đã cập nhật dòng 2" in capsys.readouterr().out
    assert StaffProfile.objects.get(user=targets["trainer"]).unit == units["741"]
