"""Behind the reverse proxy the client's address is the one nginx saw, and
nobody else can choose it (elearning/proxy.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from elearning.people.models import AccessLog
from tests.factories import DEFAULT_PASSWORD, verify_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(learner, **meta) -> str | None:
    """Sign in through the login form; the address the audit log recorded."""
    response = Client().post(
        reverse("account_login"),
        {"login": learner.email, "password": DEFAULT_PASSWORD},
        **meta,
    )
    assert response.status_code == 302
    return AccessLog.objects.filter(action=AccessLog.Action.LOGIN).latest("at").ip


def test_the_proxys_last_forwarded_address_is_the_client(learner):
    verify_email(learner)
    # What nginx sends: whatever the client wrote, then the address it saw.
    ip = _sign_in(
        learner,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
    )
    assert ip == "203.0.113.7"


def test_a_client_cannot_choose_its_address(learner):
    verify_email(learner)
    ip = _sign_in(
        learner, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert ip == "198.51.100.20"


def test_a_malformed_forwarded_address_is_ignored(learner):
    verify_email(learner)
    ip = _sign_in(
        learner, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, unknown"
    )
    assert ip == "127.0.0.1"


def test_proxies_on_another_host_are_trusted_by_network(learner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    verify_email(learner)
    assert (
        _sign_in(learner, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.8")
        == "203.0.113.8"
    )
    assert (
        _sign_in(learner, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        == "127.0.0.1"
    )


def test_the_verification_limit_counts_each_client_behind_the_proxy(time_machine):
    """10 look-ups a minute per address: one visitor's limit is not everyone's."""
    time_machine.move_to(datetime.datetime(2027, 3, 3, 9, 0, tzinfo=datetime.UTC))
    url = reverse("certificates:verify")
    behind = Client(REMOTE_ADDR="127.0.0.1")

    def look_up(address: str) -> int:
        return behind.get(
            url, {"code": "22222-22222"}, HTTP_X_FORWARDED_FOR=address
        ).status_code

    assert [look_up("203.0.113.7") for _ in range(11)] == [200] * 10 + [429]
    assert look_up("203.0.113.8") == 200
