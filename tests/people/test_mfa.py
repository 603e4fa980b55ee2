import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db

MFA_SETUP = reverse("mfa_activate_totp")


def password_login(client, user):
    """Sign in through allauth's form, as a person does (no MFA stage yet)."""
    verify_email(user)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return response


def reauthenticate(client):
    """allauth asks for the password again before MFA can be set up."""
    response = client.post(
        reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["officer", "trainer", "province_admin"])
def test_staff_without_mfa_can_reach_only_mfa_setup(request, client, role):
    user = request.getfixturevalue(role)
    Authenticator.objects.filter(user=user).delete()
    response = password_login(client, user)
    assert client.get(response["Location"])["Location"] == MFA_SETUP
    for url in ["/", "/admin/", reverse("people:my_data"), "/admin/people/staff/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == MFA_SETUP
    # Set-up follows sign-in with no second password prompt (nothing to
    # protect yet); allauth's re-authentication stays reachable.
    assert client.get(MFA_SETUP).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    reauthenticate(client)
    assert client.get(MFA_SETUP).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/app.css").status_code in (200, 404)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get("/admin/").status_code == 302  # logged out: to the login page


@pytest.mark.parametrize("role", ["officer", "trainer", "province_admin"])
def test_staff_with_totp_pass_the_gate(request, client, role):
    user = request.getfixturevalue(role)
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_superuser_needs_mfa(db, client):
    from elearning.people.models import User

    admin = User.objects.create_superuser("root@example.gov.vn", "x-very-long-pass")
    client.force_login(admin)
    assert client.get("/admin/")["Location"] == MFA_SETUP


def test_learner_is_not_forced_but_may_enable_mfa(client, learner):
    password_login(client, learner)
    assert client.get("/").status_code == 200
    reauthenticate(client)
    assert client.get(MFA_SETUP).status_code == 200


def test_mfa_setup_flow_then_admin_opens(client, officer):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    Authenticator.objects.filter(user=officer).delete()
    password_login(client, officer)
    reauthenticate(client)
    response = client.get(MFA_SETUP)
    secret = client.session["mfa.totp.secret"]
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    code = format_hotp_value(hotp_value(secret, counter))
    response = client.post(MFA_SETUP, {"code": code})
    assert response.status_code == 302, response.context["form"].errors
    assert Authenticator.objects.filter(user=officer, type="totp").exists()
    assert client.get("/admin/").status_code == 200


def test_staff_with_totp_sign_in_with_a_code(client, units):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from tests.factories import make_person

    officer = make_person(
        role="officer",
        unit=units["741"],
        full_name="Lê Đức",
        email="o@x.gov.vn",
        ready=False,
    )
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    response = password_login(client, officer)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    # Signed in with MFA; the privacy notice comes next.
    assert client.get("/admin/")["Location"].startswith(reverse("people:consent"))
