import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from elearning.people.models import STAFF_ROLES, AdministrativeUnit, Agency, User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_credentials():
    from elearning.people import demo

    first = io.StringIO()
    demo.seed(stdout=OutputWrapper(first), style=None)
    counts = (
        User.objects.count(),
        Agency.objects.count(),
        Authenticator.objects.count(),
    )
    second = io.StringIO()
    demo.seed(stdout=OutputWrapper(second), style=None)
    assert counts == (
        User.objects.count(),
        Agency.objects.count(),
        Authenticator.objects.count(),
    )
    # Every unit of 2018 and of 2025: the province, 11 districts, their 159
    # communes and the 95 communes and wards.
    assert AdministrativeUnit.objects.count() == 1 + 11 + 159 + 95
    assert counts[0] == len(demo.PEOPLE)
    assert set(User.objects.values_list("email", flat=True)) == {
        email for email, *_ in demo.PEOPLE
    }
    assert set(
        Agency.objects.filter(unit__code="26425").values_list("name", flat=True)
    ) == {
        "Văn phòng HĐND và UBND xã Xuân Lộc",
        "Phòng Văn hóa - Xã hội xã Xuân Lộc",
        "Phòng Kinh tế xã Xuân Lộc",
    }
    out = first.getvalue()
    assert demo.DEMO_PASSWORD in out
    # Same TOTP secrets printed both times, so a tester's app keeps working.
    secrets = [
        line.split("TOTP secret: ")[1]
        for line in out.splitlines()
        if "TOTP secret: " in line
    ]
    assert len(secrets) == sum(role in STAFF_ROLES for _, role, *_ in demo.PEOPLE)
    for secret in secrets:
        assert secret in second.getvalue()
    roles = {
        u.email: sorted(u.groups.values_list("name", flat=True))
        for u in User.objects.all()
    }
    assert roles["canbo@xuanloc.example.gov.vn"] == ["officer"]
    assert roles["canbo@tranbien.example.gov.vn"] == ["officer"]
    # Officers of a commune and a ward in force today.
    officer = User.objects.get(email="canbo@xuanloc.example.gov.vn")
    assert officer.profile.unit.full_name == "Xã Xuân Lộc"
    assert officer.profile.unit.valid_to is None
    ward = User.objects.get(email="canbo@tranbien.example.gov.vn").profile.unit
    assert (ward.code, ward.full_name) == ("26041", "Phường Trấn Biên")
    assert officer.check_password(demo.DEMO_PASSWORD)
    assert not Authenticator.objects.filter(user__groups__name="learner").exists()


def test_seed_demo_command_runs(capsys):
    call_command("seed_demo")
    assert "Demo data ready." in capsys.readouterr().out


def test_demo_keeps_a_2024_history_under_the_district(capsys):
    """The Xuân Lộc learners of today studied in 2024 under Huyện Xuân Lộc:
    their enrolments, class records and certificates keep that unit and the
    issuer of then, while new work is in Xã Xuân Lộc."""
    from certificates.models import Certificate
    from courses.attendance.models import AttendanceRecord
    from courses.models import Enrolment

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    old = Certificate.objects.filter(course__code="ATTT-CB-2024").order_by("number")
    assert [c.number for c in old] == [
        "0001/2024/GCN-STTTT",
        "0002/2024/GCN-STTTT",
        "0003/2024/GCN-STTTT",
    ]
    assert {c.issuer.issuing_body for c in old} == {"SỞ THÔNG TIN VÀ TRUYỀN THÔNG"}
    assert {(c.unit.code, c.unit_name) for c in old} == {("741", "Huyện Xuân Lộc")}
    assert {c.learner.profile.unit.code for c in old} == {"26425"}
    history = Enrolment.objects.filter(course__code="ATTT-CB-2024")
    assert history.count() == 3
    assert {e.unit.code for e in history} == {"741"}
    assert {e.completed_at.year for e in history} == {2024}
    records = AttendanceRecord.objects.filter(
        session__training_class__code="ATTT-XL-2024"
    )
    assert records.count() == 12 and {r.unit.code for r in records} == {"741"}
    # New work of the same people is in the commune.
    today = Enrolment.objects.filter(
        course__code="ATTT-CB-2026", learner__in=[c.learner for c in old]
    )
    assert {e.unit.code for e in today} == {"26425"}
