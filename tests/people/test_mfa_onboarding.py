"""A new staff member signs in and sets up MFA: told why, no second
password prompt; changing an existing authenticator still asks for it."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_new_officer_goes_from_sign_in_to_mfa_setup_without_a_password_prompt(
    client, officer
):
    verify_email(officer)
    officer.authenticator_set.all().delete()
    _sign_in(client, officer)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="mfa-onboarding"' in html
    assert "Tài khoản của bạn cần xác thực hai yếu tố" in html


def test_removing_an_authenticator_still_asks_for_the_password(client, officer):
    verify_email(officer)
    client.force_login(officer)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_learner_sees_no_onboarding_note(client, learner):
    verify_email(learner)
    client.force_login(learner)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'id="mfa-onboarding"' not in html
