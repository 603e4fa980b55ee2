"""Accounts come from the people who know them.

Written as the attack was made: anyone could sign up at /accounts/signup/,
get an account with no role or unit, and an officer could then claim it by
import. Now sign-up is closed unless the province lists work domains; where
it is open, the account names its unit and waits, with no role and no
course, until an officer of that unit confirms it; no import may claim it.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from courses.imports import import_file
from courses.models import CoursePage, Enrolment
from courses.services import EnrolmentError, enrolment_create
from elearning.people.models import User
from elearning.people.services import consent_record

# People sign up in Xuân Lộc (741), as they could until 30/06/2025.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]
PASSWORD = "mot-mat-khau-dai-2026"


def sign_up(client, email, unit, name="Trần Văn Tự"):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": name,
            "unit": unit.pk,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_sign_up_is_closed_by_default(client, units, officer):
    page = client.get(reverse("account_signup")).content.decode()
    assert "Không tự đăng ký tài khoản" in page and 'name="password1"' not in page
    sign_up(client, "ai.do@gmail.example.com", units["741"])
    assert not User.objects.filter(email="ai.do@gmail.example.com").exists()


@pytest.fixture
def open_signup(settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["xuanloc.example.gov.vn"]


def test_only_listed_domains_may_sign_up(client, units, officer, open_signup):
    page = sign_up(client, "ai.do@gmail.example.com", units["741"])
    assert "Chỉ đăng ký được bằng địa chỉ thư công vụ" in page.content.decode()
    assert not User.objects.filter(email="ai.do@gmail.example.com").exists()


@pytest.fixture
def newcomer(client, units, officer, open_signup):
    """Signed up in Xuân Lộc, address verified, notice accepted, signed in."""
    assert (
        sign_up(client, "tu.tv@xuanloc.example.gov.vn", units["741"]).status_code == 302
    )
    user = User.objects.get(email="tu.tv@xuanloc.example.gov.vn")
    EmailAddress.objects.filter(user=user).update(verified=True)
    consent_record(user=user)
    client.force_login(user)
    return user


def test_a_new_account_waits_with_no_role_and_no_course(client, newcomer, units):
    profile = newcomer.profile
    assert profile.awaiting_confirmation and profile.unit == units["741"]
    assert list(newcomer.groups.all()) == []
    # Every page leads to the waiting page; nothing else is reached.
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:awaiting")
    page = client.get(reverse("people:awaiting")).content.decode()
    assert "đang chờ cán bộ phụ trách của Huyện Xuân Lộc xác nhận" in page
    course = CoursePage.objects.first() or None
    if course is not None:
        with pytest.raises(EnrolmentError):
            enrolment_create(learner=newcomer, course=course, actor=newcomer)
    assert not Enrolment.objects.filter(learner=newcomer).exists()


def test_no_import_claims_an_unconfirmed_account(newcomer, units):
    data = (
        "ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n"
        f"Kẻ Mạo Danh,{newcomer.email},,,Phòng A,741,cong_chuc\n"
    ).encode()
    plan, result = import_file(data, filename="ds.csv", scope=units["741"], actor=None)
    assert result is None
    assert "tự đăng ký chưa được xác nhận" in plan.errors[0].message
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.full_name == "Trần Văn Tự"


def test_the_units_officer_confirms_another_units_cannot(
    newcomer, officer, other_officer
):
    url = reverse("people:confirmations")
    client = Client()
    client.force_login(other_officer)
    assert newcomer.email not in client.get(url).content.decode()
    assert (
        client.post(url, {"user": newcomer.pk, "action": "confirm"}).status_code == 404
    )
    client.force_login(officer)
    assert newcomer.email in client.get(url).content.decode()
    assert (
        client.post(url, {"user": newcomer.pk, "action": "confirm"}).status_code == 302
    )
    newcomer.refresh_from_db()
    newcomer.profile.refresh_from_db()
    assert not newcomer.profile.awaiting_confirmation
    assert newcomer.has_role("learner")
    client.force_login(newcomer)
    assert client.get("/").status_code == 200


def test_a_refused_account_is_disabled(newcomer, officer):
    client = Client()
    client.force_login(officer)
    client.post(
        reverse("people:confirmations"), {"user": newcomer.pk, "action": "refuse"}
    )
    newcomer.refresh_from_db()
    assert not newcomer.is_active
