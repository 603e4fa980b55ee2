"""Sessions: listed and revocable by their owner; disabling an account ends
every one of them."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from elearning.people.services import user_set_active
from tests.factories import DEFAULT_PASSWORD, reauthenticate, verify_email

pytestmark = pytest.mark.django_db


def signed_in(user, agent: str) -> Client:
    """A browser that signed in through allauth's form."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


def user_sessions(user) -> int:
    return sum(
        1
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


@pytest.fixture
def two_browsers(learner):
    verify_email(learner)
    phone = signed_in(learner, "Điện thoại")
    desktop = signed_in(learner, "Máy tính")
    return phone, desktop


def test_sessions_page_lists_both_and_ends_the_other(two_browsers, learner):
    phone, desktop = two_browsers
    assert UserSession.objects.filter(user=learner).count() == 2
    page = phone.get(reverse("usersessions_list"))
    assert page.status_code == 200
    html = page.content.decode()
    # allauth's page in Vietnamese (the project catalogue), both devices shown.
    assert "Phiên đăng nhập" in html
    assert "Điện thoại" in html and "Máy tính" in html

    response = phone.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert UserSession.objects.filter(user=learner).count() == 1
    # The other browser is signed out; this one is not.
    assert desktop.get(reverse("people:my_data"))["Location"].startswith(
        reverse("account_login")
    )
    assert phone.get(reverse("people:my_data")).status_code == 200


def test_sessions_page_is_in_the_account_menu(client, learner):
    client.force_login(learner)
    html = client.get(reverse("people:my_data")).content.decode()
    assert f'href="{reverse("usersessions_list")}"' in html
    assert "Phiên đăng nhập" in html


def test_disabling_an_account_ends_its_sessions(
    two_browsers, learner, province_admin, django_capture_on_commit_callbacks
):
    phone, _desktop = two_browsers
    # A session usersessions never recorded (e.g. older than it) goes too.
    Client().force_login(learner)
    assert user_sessions(learner) == 3
    other = Client()
    other.force_login(province_admin)

    with django_capture_on_commit_callbacks(execute=True):
        user_set_active(user=learner, active=False, actor=province_admin)

    assert user_sessions(learner) == 0
    assert not UserSession.objects.filter(user=learner).exists()
    assert user_sessions(province_admin) == 1
    response = phone.get(reverse("people:my_data"))
    assert response["Location"].startswith(reverse("account_login"))


def test_disabling_ends_sessions_cached_in_redis_too(
    settings, learner, province_admin, django_capture_on_commit_callbacks
):
    """Production keeps sessions in the cache too (cached_db): ending one
    removes the cached copy, not only the row."""
    from importlib import import_module

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    verify_email(learner)
    phone = signed_in(learner, "Điện thoại")
    unseen = Client()
    unseen.force_login(learner)  # a session usersessions never recorded
    keys = [phone.session.session_key, unseen.session.session_key]
    assert all(store(session_key=key).load() for key in keys)

    with django_capture_on_commit_callbacks(execute=True):
        user_set_active(user=learner, active=False, actor=province_admin)

    assert [store(session_key=key).load() for key in keys] == [{}, {}]
    assert phone.get(reverse("people:my_data"))["Location"].startswith(
        reverse("account_login")
    )


def test_disabling_in_the_user_admin_ends_sessions(
    two_browsers, learner, units, django_capture_on_commit_callbacks
):
    """Wagtail's user admin saves the user with is_active off: same result."""
    from tests.factories import make_person

    root = make_person(
        role="admin", unit=units["75"], full_name="Quản Trị Gốc", email="g@x.gov.vn"
    )
    root.is_superuser = True
    root.save()
    admin = Client()
    admin.force_login(root)
    reauthenticate(admin)
    url = reverse("wagtailusers_users:edit", args=[learner.pk])
    form = admin.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name.startswith("password") or name == "is_active":
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data.update(first_name="An", last_name="Nguyễn Văn")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    learner.refresh_from_db()
    assert not learner.is_active
    assert user_sessions(learner) == 0
    assert not UserSession.objects.filter(user=learner).exists()


def test_saving_an_active_user_keeps_sessions(
    two_browsers, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        learner.first_name = "An"
        learner.save()
    assert user_sessions(learner) == 2
