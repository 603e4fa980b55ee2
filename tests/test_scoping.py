import pytest

from elearning.people.models import StaffProfile, User

pytestmark = pytest.mark.django_db


def test_officer_sees_only_own_district(officer, learner, other_learner):
    visible = set(
        StaffProfile.objects.visible_to(officer).values_list("user__email", flat=True)
    )
    assert learner.email in visible
    assert officer.email in visible
    assert other_learner.email not in visible


def test_province_admin_sees_everyone(province_admin, learner, other_learner):
    assert set(User.objects.visible_to(province_admin)) >= {learner, other_learner}


def test_learner_sees_only_self(learner, other_learner):
    assert list(User.objects.visible_to(learner)) == [learner]


def test_anonymous_sees_nothing(learner):
    from django.contrib.auth.models import AnonymousUser

    assert not StaffProfile.objects.visible_to(AnonymousUser()).exists()
