"""Password hashing cost and sign-ins from one shared address (a training room)."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from elearning.settings import base
from tests.factories import DEFAULT_PASSWORD, make_person, verify_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_production_hashes_are_argon2id_at_the_stated_cost():
    encoded = make_password("mat-khau-rat-dai-2026")
    hasher = identify_hasher(encoded)
    assert hasher.algorithm == "argon2"
    params = hasher.decode(encoded)
    assert params["variety"] == "argon2id"
    assert (params["memory_cost"], params["time_cost"], params["parallelism"]) == (
        19 * 1024,
        2,
        1,
    )
    assert check_password("mat-khau-rat-dai-2026", encoded)
    assert not check_password("mat-khau-khac", encoded)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_an_old_pbkdf2_hash_is_upgraded_at_the_next_sign_in(client, learner):
    verify_email(learner)
    learner.password = make_password(DEFAULT_PASSWORD, hasher="pbkdf2_sha256")
    learner.save(update_fields=["password"])

    response = client.post(
        reverse("account_login"),
        {"login": learner.email, "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.password.startswith("argon2$argon2id$")
    assert check_password(DEFAULT_PASSWORD, learner.password)


def test_a_whole_class_signs_in_from_one_address(client, units):
    """allauth's default of 30 sign-ins a minute per address would refuse a
    training room behind one NAT address; the platform allows far more."""
    unit = units["741"]
    people = [
        make_person(
            role="learner",
            unit=unit,
            full_name=f"Học viên {n}",
            email=f"phong-hoc-{n}@example.gov.vn",
        )
        for n in range(40)
    ]
    for person in people:
        verify_email(person)
        client.logout()
        response = client.post(
            reverse("account_login"),
            {"login": person.email, "password": DEFAULT_PASSWORD},
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 302, person.email
        assert client.session["_auth_user_id"] == str(person.pk)
