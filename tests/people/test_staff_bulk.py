"""``staff_bulk_upsert``: the people app writes a staff list's people itself,
in bulk, with what the people signals do for one save (role-change audit,
dropped request-user cache)."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from wagtail.models import ModelLogEntry

from elearning.people.backends import ModelBackend, request_user_key
from elearning.people.models import Agency, StaffProfile, User
from elearning.people.services import StaffRecord, staff_bulk_upsert

pytestmark = pytest.mark.django_db


def record(units, email, name="Ngô Thị Hoa", **kwargs):
    return StaffRecord(
        email=email,
        full_name=name,
        unit_id=units["741"].pk,
        agency_name=kwargs.pop("agency_name", "Phòng Nội vụ"),
        **kwargs,
    )


def test_new_people_get_account_role_address_profile_and_audit(units, officer):
    result = staff_bulk_upsert(
        [
            record(units, "hoa.nt@xl.example.gov.vn", position="Chuyên viên"),
            record(units, "binh.lv@xl.example.gov.vn", name="Lê  Văn   Bình"),
        ],
        actor=officer,
    )
    assert (result.users_created, result.profiles_created) == (2, 2)
    assert result.agencies_created == 1
    user = User.objects.get(email="binh.lv@xl.example.gov.vn")
    assert result.created_ids and user.pk in result.created_ids
    assert result.user_ids["binh.lv@xl.example.gov.vn"] == user.pk
    assert not user.has_usable_password()
    assert user.is_active and user.has_role("learner")
    assert user.profile.full_name == "Lê Văn Bình"
    assert user.profile.sort_key and user.profile.search_key == "le van binh"
    assert user.profile.agency == Agency.objects.get(name="Phòng Nội vụ")
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    # What the role-change signal writes for one account, with who did it.
    entry = ModelLogEntry.objects.get(
        action="people.role_change", object_id=str(user.pk)
    )
    assert entry.data == {"added": ["learner"]}
    assert entry.user == officer
    assert entry.label == "Lê Văn Bình"


def test_same_list_again_changes_nothing_and_writes_no_log(units, officer):
    records = [record(units, f"p{i}@xl.example.gov.vn") for i in range(3)]
    staff_bulk_upsert(records, actor=officer)
    entries = ModelLogEntry.objects.count()
    again = staff_bulk_upsert(records, actor=officer)
    assert (again.users_created, again.profiles_updated, again.unchanged) == (0, 0, 3)
    assert ModelLogEntry.objects.count() == entries


def test_update_drops_the_cached_request_user(units, learner):
    ModelBackend().get_user(learner.pk)  # cached now
    assert cache.get(request_user_key(learner.pk)) is not None
    result = staff_bulk_upsert(
        [record(units, learner.email, name="Nguyễn Văn An", position="Trưởng phòng")],
        actor=None,
    )
    assert result.profiles_updated == 1
    assert cache.get(request_user_key(learner.pk)) is None
    assert ModelBackend().get_user(learner.pk).profile.position == "Trưởng phòng"


def test_same_person_keeps_the_account_and_takes_the_new_address(units, learner):
    old = learner.email
    EmailAddress.objects.create(user=learner, email=old, verified=True, primary=True)
    result = staff_bulk_upsert(
        [
            record(
                units,
                "an.nguyen@xl.example.gov.vn",
                name="Nguyễn Văn An",
                date_of_birth=datetime.date(1985, 1, 4),
                same_as_user_id=learner.pk,
            )
        ],
        actor=None,
    )
    assert result.users_created == 0 and result.emails_changed == 1
    learner.refresh_from_db()
    assert learner.email == "an.nguyen@xl.example.gov.vn"
    assert learner.profile.date_of_birth == datetime.date(1985, 1, 4)
    addresses = dict(
        EmailAddress.objects.filter(user=learner).values_list("email", "primary")
    )
    assert addresses == {old: False, "an.nguyen@xl.example.gov.vn": True}
    entry = ModelLogEntry.objects.get(action="people.email_changed")
    assert entry.data == {"old": old, "new": "an.nguyen@xl.example.gov.vn"}
    assert User.objects.filter(profile__full_name="Nguyễn Văn An").count() == 1


def test_same_as_an_earlier_record_of_the_batch_makes_one_account(units):
    result = staff_bulk_upsert(
        [
            record(units, "hoa1@xl.example.gov.vn"),
            record(
                units,
                "hoa2@xl.example.gov.vn",
                position="Kế toán",
                same_as_email="hoa1@xl.example.gov.vn",
            ),
        ],
        actor=None,
    )
    assert result.users_created == 1
    assert StaffProfile.objects.count() == 1
    user = User.objects.get()
    assert user.email == "hoa2@xl.example.gov.vn"
    assert user.profile.position == "Kế toán"
    assert result.user_ids == {
        "hoa1@xl.example.gov.vn": user.pk,
        "hoa2@xl.example.gov.vn": user.pk,
    }


def test_dry_run_writes_nothing(units, learner):
    result = staff_bulk_upsert(
        [
            record(units, "moi@xl.example.gov.vn"),
            record(units, learner.email, name="Nguyễn Văn An", position="Mới"),
        ],
        actor=None,
        dry_run=True,
    )
    assert (result.users_created, result.profiles_created) == (1, 1)
    assert result.profiles_updated == 1 and result.agencies_created == 1
    assert not User.objects.filter(email="moi@xl.example.gov.vn").exists()
    assert not Agency.objects.filter(name="Phòng Nội vụ").exists()
    learner.profile.refresh_from_db()
    assert learner.profile.position == ""


def test_same_person_keeps_the_spelling_of_the_name(units, learner):
    staff_bulk_upsert(
        [
            record(
                units,
                "an2@xl.example.gov.vn",
                "NGUYỄN VĂN AN",
                same_as_user_id=learner.pk,
            )
        ],
        actor=None,
    )
    learner.profile.refresh_from_db()
    assert learner.profile.full_name == "Nguyễn Văn An"
