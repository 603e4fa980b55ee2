"""The request's user is loaded in one query with its profile and roles (or
from the cache, which every change to the user, profile or roles empties), and
the roles are read fresh on every request (a role change applies at once)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elearning.people.backends import ModelBackend, request_user_key
from elearning.people.models import Role, User

pytestmark = pytest.mark.django_db


def test_one_query_for_user_profile_and_roles(officer, django_assert_num_queries):
    cache.delete(request_user_key(officer.pk))
    with django_assert_num_queries(1):
        user = ModelBackend().get_user(officer.pk)
        assert user.is_unit_officer and user.needs_mfa
        assert not user.is_trainer and not user.is_province_admin
        assert user.get_full_name() == officer.profile.full_name


def test_roles_match_groups_for_every_role(learner, officer, trainer, province_admin):
    for person in (learner, officer, trainer, province_admin):
        loaded = ModelBackend().get_user(person.pk)
        fresh = User.objects.get(pk=person.pk)
        for role in Role:
            assert loaded.has_role(role) == fresh.has_role(role), (person, role)


def test_user_without_profile_and_inactive_user(db):
    bare = User.objects.create_user("bare@example.gov.vn", "x")
    loaded = ModelBackend().get_user(bare.pk)
    assert loaded == bare and not loaded.needs_mfa
    bare.is_active = False
    bare.save()
    assert ModelBackend().get_user(bare.pk) is None


def test_new_role_applies_on_the_next_request(client, learner):
    """A learner made officer must set up MFA on the very next request."""
    client.force_login(learner)
    home = reverse("certificates:list")
    assert client.get(home).status_code == 200
    learner.groups.add(Group.objects.get(name=Role.OFFICER))
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("read_first", [True, False])
def test_role_change_on_the_loaded_user_is_seen(learner, read_first):
    user = ModelBackend().get_user(learner.pk)
    if read_first:
        assert not user.is_unit_officer
    user.groups.add(Group.objects.get(name=Role.OFFICER))
    assert user.is_unit_officer and user.needs_mfa


def _user_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if "people_user" in q["sql"]]


def test_later_requests_read_the_user_from_the_cache(client, learner):
    client.force_login(learner)
    url = reverse("people:my_data")
    _user_queries(client, url)
    response, user_reads = _user_queries(client, url)
    assert response.status_code == 200
    assert not [q for q in user_reads if 'FROM "people_user"' in q["sql"]]
    assert response.context["user"].pk == learner.pk
    assert "Nguyễn Văn An" in response.content.decode()


def test_profile_change_is_seen_on_the_next_request(client, learner):
    client.force_login(learner)
    url = reverse("people:my_data")
    assert "Nguyễn Văn An" in client.get(url).content.decode()
    profile = learner.profile
    profile.full_name = "Nguyễn Văn Bình"
    profile.save()
    assert "Nguyễn Văn Bình" in client.get(url).content.decode()


@pytest.mark.parametrize("side", ["user", "group", "group clear", "group rename"])
def test_role_changes_from_any_side_reach_the_cached_user(client, learner, side):
    client.force_login(learner)
    home = reverse("certificates:list")
    assert client.get(home).status_code == 200  # cached as a learner
    officers = Group.objects.get(name=Role.OFFICER)
    if side == "user":
        learner.groups.add(officers)
    elif side == "group":
        officers.user_set.add(learner)
    elif side == "group clear":
        officers.user_set.add(learner)
        assert client.get(home).status_code == 302  # now cached as an officer
        officers.user_set.clear()
        assert client.get(home).status_code == 200  # a learner again
        return
    else:
        extra = Group.objects.create(name="tạm thời")
        learner.groups.add(extra)
        client.get(home)
        extra.name = Role.OFFICER.value + "-x"  # not a role any more, then one
        extra.save()
        Group.objects.filter(pk=officers.pk).update(name="officer-old")
        extra.name = Role.OFFICER.value
        extra.save()
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_disabled_user_is_refused_although_cached(client, learner):
    client.force_login(learner)
    url = reverse("people:my_data")
    assert client.get(url).status_code == 200
    learner.is_active = False
    learner.save()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_signing_in_finds_the_account_through_the_unique_index(learner):
    """Any case of the address finds the account, by the lower-cased form
    the unique index holds: at 150,000 accounts a case-blind comparison
    read every row (54 ms a sign-in)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from elearning.people.models import User

    with CaptureQueriesContext(connection) as queries:
        found = User.objects.get_by_natural_key(f"  {learner.email.upper()} ")
    assert found == learner
    assert 'LOWER("people_user"."email")' in queries[0]["sql"]
    assert User.objects.with_email("khong-co@x.gov.vn").first() is None
