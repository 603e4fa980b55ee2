import json

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from elearning.people.models import PrivacyConsent
from elearning.people.services import PRIVACY_NOTICE_VERSION
from tests.factories import make_person, reauthenticate

pytestmark = pytest.mark.django_db

CONSENT = reverse("people:consent")


def test_notice_is_public_and_in_vietnamese(client):
    response = client.get(reverse("people:privacy_notice"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in text
    assert "91/2025/QH15" in text and "356/2025/NĐ-CP" in text
    for heading in [
        "Dữ liệu được thu thập",
        "Mục đích xử lý",
        "Ai được xem",
        "Thời gian lưu giữ",
    ]:
        assert heading in text


def test_first_login_asks_for_consent_then_lets_through(units, client):
    user = make_person(
        role="learner",
        unit=units["741"],
        full_name="Nguyễn An",
        email="a@x.gov.vn",
        ready=False,
    )
    client.force_login(user)
    response = client.get(reverse("people:my_data"))
    assert response.status_code == 302
    assert response["Location"] == f"{CONSENT}?next=%2Fca-nhan%2Fdu-lieu-cua-toi%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Tôi đã đọc và đồng ý" in page.content.decode()
    response = client.post(CONSENT, {"next": reverse("people:my_data")})
    assert response["Location"] == reverse("people:my_data")
    consent = PrivacyConsent.objects.get(user=user)
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.accepted_at is not None
    assert client.get(reverse("people:my_data")).status_code == 200


def test_consent_rejects_foreign_next(units, client):
    user = make_person(
        role="learner",
        unit=units["741"],
        full_name="Nguyễn An",
        email="a@x.gov.vn",
        ready=False,
    )
    client.force_login(user)
    response = client.post(CONSENT, {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_new_notice_version_asks_again(units, client, learner, settings, monkeypatch):
    client.force_login(learner)
    assert client.get("/").status_code == 200
    monkeypatch.setattr("elearning.people.services.PRIVACY_NOTICE_VERSION", "2027-01")
    assert client.get("/")["Location"].startswith(CONSENT)


def test_staff_are_asked_for_mfa_before_consent(units, client):
    officer = make_person(
        role="officer",
        unit=units["741"],
        full_name="Lê Đức",
        email="o@x.gov.vn",
        ready=False,
    )
    client.force_login(officer)
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")
    from tests.factories import make_ready

    make_ready(officer)
    PrivacyConsent.objects.all().delete()
    assert Authenticator.objects.filter(user=officer).exists()
    assert client.get("/")["Location"].startswith(CONSENT)


def test_learner_downloads_own_data_as_json(client, learner, other_learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.get(reverse("people:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"][0]["email"] == learner.email
    assert data["account"][0]["roles"] == "learner"
    assert data["profile"][0]["full_name"] == "Nguyễn Văn An"
    assert data["profile"][0]["unit"] == "Huyện Xuân Lộc"
    assert data["privacy_consents"][0]["notice_version"] == PRIVACY_NOTICE_VERSION
    assert other_learner.email not in response.content.decode()


def test_my_data_page_needs_login(client):
    response = client.get(reverse("people:my_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_consent_keeps_the_notice_hash_time_address_and_legal_bases(units, client):
    import hashlib

    from django.test import Client

    from elearning.people.personal_data import LegalBasis, privacy_notice_text

    user = make_person(
        role="learner",
        unit=units["741"],
        full_name="Nguyễn An",
        email="a@x.gov.vn",
        ready=False,
    )
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(user)
    page = client.get(CONSENT).content.decode()
    # Staff their agency put on the platform: a public duty, not consent.
    assert "Thực hiện nhiệm vụ công của cơ quan nhà nước" in page
    client.post(CONSENT, {"next": "/"})
    consent = PrivacyConsent.objects.get(user=user)
    text = privacy_notice_text()
    assert text in page  # the hash is of exactly what was shown
    assert consent.notice_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert consent.ip == "203.0.113.7"
    assert consent.legal_bases == {
        "training": LegalBasis.PUBLIC_DUTY,
        "certificates": LegalBasis.PUBLIC_DUTY,
        "reports": LegalBasis.PUBLIC_DUTY,
        "security": LegalBasis.LEGAL_OBLIGATION,
    }


def test_a_self_registered_account_rests_on_consent(units, client):
    from elearning.people.personal_data import LegalBasis
    from elearning.people.services import consent_record, person_self_register
    from tests.factories import UserFactory

    user = UserFactory(email="tu.dang.ky@x.gov.vn")
    person_self_register(user=user, full_name="Tự Đăng Ký", unit=units["741"])
    consent = consent_record(user=user)
    assert consent.legal_bases["training"] == LegalBasis.CONSENT
    assert consent.legal_bases["security"] == LegalBasis.LEGAL_OBLIGATION


def test_the_notice_states_the_configured_retention(client, settings):
    settings.PERSONAL_DATA_PROFILE_YEARS = 7
    text = client.get(reverse("people:privacy_notice")).content.decode()
    assert "sau 7 năm các dữ liệu này được ẩn danh" in text


def test_the_first_page_after_signing_in_writes_no_session(units, client, learner):
    """The consent is looked up once, at sign-in, whose response saves the
    session anyway; the next page neither asks for it nor saves the session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("courses:my_courses")).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "people_privacyconsent" in q]
    assert not [q for q in sql if q.startswith(("UPDATE", "INSERT")) and "session" in q]
