"""Sign-ins, failed sign-ins, wrong MFA codes and refusals are audit-logged,
without any secret."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from elearning.people.models import AccessLog
from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "Bi-Mat-Khong-Duoc-Ghi-9731"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def everything_logged() -> str:
    """Every field of every audit entry, as one text to search."""
    return "\n".join(
        " ".join(str(v) for v in row)
        for row in AccessLog.objects.values_list(
            "action", "what", "path", "ip", "subject_user_id", "actor_id"
        )
    )


def test_sign_in_is_logged(client, learner):
    verify_email(learner)
    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN)
    assert entry.actor == learner and entry.subject_user_id == learner.pk
    assert entry.ip == "203.0.113.7"
    assert entry.path == reverse("account_login")
    assert DEFAULT_PASSWORD not in everything_logged()


def test_failed_sign_in_is_logged_without_the_password(client, learner, caplog):
    verify_email(learner)
    caplog.set_level(logging.DEBUG)
    for url in (reverse("account_login"), client.get("/admin/login/")["Location"]):
        client.post(url, {"login": learner.email, "password": SECRET_PASSWORD})
    entries = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED)
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor is None
    assert entry.subject_user_id == learner.pk
    assert learner.email in entry.what
    logged = everything_logged()
    assert SECRET_PASSWORD not in logged
    assert "*****" not in logged  # not even Django's cleansed placeholder
    assert SECRET_PASSWORD not in caplog.text


def test_unknown_address_is_logged_without_an_account(client):
    client.post(
        reverse("account_login"),
        {"login": "khong-co@example.gov.vn", "password": SECRET_PASSWORD},
    )
    entry = AccessLog.objects.get(action=AccessLog.Action.LOGIN_FAILED)
    assert entry.subject_user_id is None
    assert "khong-co@example.gov.vn" in entry.what
    assert SECRET_PASSWORD not in everything_logged()


def _officer_at_mfa_step(client, units):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import make_person

    officer = make_person(
        role="officer",
        unit=units["741"],
        full_name="Lê Văn Đức",
        email="duc@xuanloc.gov.vn",
        ready=False,
    )
    verify_email(officer)
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    response = client.post(
        reverse("account_login"),
        {"login": officer.email, "password": DEFAULT_PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    return officer, secret


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _wrong_code(secret: str) -> str:
    right = _current_code(secret)
    return f"{(int(right) + 500001) % 1000000:06d}"


def test_wrong_mfa_code_is_logged_without_the_code(client, units):
    officer, secret = _officer_at_mfa_step(client, units)
    wrong = _wrong_code(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.MFA_FAILED)
    assert entry.subject_user_id == officer.pk
    assert wrong not in everything_logged()
    assert secret not in everything_logged()
    # Not signed in yet, so no "login" entry until the right code.
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert AccessLog.objects.filter(
        action=AccessLog.Action.LOGIN, actor=officer
    ).exists()


def test_sixth_wrong_mfa_code_is_refused(client, units):
    """The code step is rate-limited like the password: 5 per 5 minutes."""
    officer, secret = _officer_at_mfa_step(client, units)
    for _ in range(5):
        response = client.post(
            reverse("mfa_authenticate"), {"code": _wrong_code(secret)}
        )
        assert response.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    errors = response.context["form"].errors.as_data()["code"]
    assert errors[0].code == "too_many_login_attempts"


def test_refusals_are_logged(client, learner, other_officer):
    client.force_login(learner)
    assert client.get(reverse("courses:officer_enrolments")).status_code == 403
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED, actor=learner)
    assert "403" in entry.what
    assert entry.path == reverse("courses:officer_enrolments")

    # Another district's record: 404, logged.
    officer_client = Client()
    officer_client.force_login(other_officer)
    url = reverse("courses:officer_learner", args=[learner.pk])
    assert officer_client.get(url).status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED, actor=other_officer)
    assert "404" in entry.what and entry.path == url


def test_a_missing_page_is_not_a_refusal(client, learner):
    client.force_login(learner)
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DENIED).exists()


def test_tokens_in_urls_are_not_logged(client, learner):
    client.force_login(learner)
    token = "bi-mat-token-abc123XYZ"
    response = client.get(reverse("certificates:verify_token", args=[token]))
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert token not in everything_logged()
    assert "[…]" in entry.path
