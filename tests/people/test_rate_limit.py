"""Failed sign-ins are limited on every login screen (allauth's login_failed)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _verified(learner, other_learner):
    verify_email(learner)
    verify_email(other_learner)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login_screens(client):
    """The allauth form, and where /admin/login/ sends people."""
    admin = client.get("/admin/login/?next=/admin/")
    assert admin.status_code == 302
    return [reverse("account_login"), admin["Location"]]


@pytest.mark.parametrize("screen", [0, 1], ids=["allauth", "admin"])
def test_sixth_failed_attempt_on_one_account_is_refused(client, learner, screen):
    url = login_screens(client)[screen]
    for _ in range(5):
        response = client.post(
            url, {"login": learner.email, "password": "sai-mat-khau"}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # The 6th attempt is refused even with the right password.
    response = client.post(url, {"login": learner.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors.as_data()[0].code == "too_many_login_attempts"
    # The refusal is in the access log like the failures before it.
    from elearning.people.models import AccessLog

    logged = AccessLog.objects.filter(
        action=AccessLog.Action.LOGIN_FAILED, subject_user_id=learner.pk
    ).order_by("pk")
    assert logged.count() == 6
    assert "sai quá nhiều lần" in logged.last().what
    assert DEFAULT_PASSWORD not in logged.last().what


def test_other_accounts_are_not_locked_out(client, learner, other_learner):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": learner.email, "password": "sai-mat-khau"})
    response = client.post(
        url, {"login": other_learner.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_learner.pk)


def test_five_failures_then_success_is_allowed(client, learner):
    url = reverse("account_login")
    for _ in range(4):
        client.post(url, {"login": learner.email, "password": "sai-mat-khau"})
    response = client.post(url, {"login": learner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
