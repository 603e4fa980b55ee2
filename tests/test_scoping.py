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


def test_an_officers_own_record_stays_visible_wherever_their_profile_is(
    officer, learner, other_learner
):
    """The "and themselves" part is left out of the query only when the
    officer's own unit already brings them in."""
    from elearning.people.scoping import condition

    where = condition(officer, unit_field="profile__unit", owner_field="pk")
    assert [child[0] for child in where.children] == ["profile__unit__in"]
    assert set(User.objects.visible_to(officer)) == {officer, learner}
    # Their profile in a unit they do not see: they still see themselves.
    officer.profile.unit = other_learner.profile.unit
    officer.profile.save()
    officer._visible_unit_ids = {learner.profile.unit_id}
    assert set(User.objects.visible_to(officer)) == {officer, learner}
