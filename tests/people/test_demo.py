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
    assert AdministrativeUnit.objects.count() == 12
    assert counts[0] == len(demo.PEOPLE)
    assert set(User.objects.values_list("email", flat=True)) == {
        email for email, *_ in demo.PEOPLE
    }
    assert Agency.objects.filter(unit__code="741").count() == 3
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
    assert roles["canbo@bienhoa.example.gov.vn"] == ["officer"]
    officer = User.objects.get(email="canbo@xuanloc.example.gov.vn")
    assert officer.profile.unit.code == "741"
    assert officer.check_password(demo.DEMO_PASSWORD)
    assert not Authenticator.objects.filter(user__groups__name="learner").exists()


def test_seed_demo_command_runs(capsys):
    call_command("seed_demo")
    assert "Demo data ready." in capsys.readouterr().out
