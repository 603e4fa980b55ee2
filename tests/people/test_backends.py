"""The request's user is loaded in one query with its profile and roles, and
the roles are read fresh on every request (a role change applies at once)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from elearning.people.backends import ModelBackend
from elearning.people.models import Role, User

pytestmark = pytest.mark.django_db


def test_one_query_for_user_profile_and_roles(officer, django_assert_num_queries):
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
