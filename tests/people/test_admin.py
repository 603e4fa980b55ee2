"""The Wagtail admin screens for staff, agencies and units, per role."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from elearning.people.models import AccessLog, Agency, StaffProfile, User

pytestmark = pytest.mark.django_db


def staff_edit(user):
    return reverse("people_staff:edit", args=[user.profile.pk])


def test_officer_lists_only_own_district(client, officer, learner, other_learner):
    client.force_login(officer)
    response = client.get(reverse("people_staff:index"))
    assert response.status_code == 200
    text = response.content.decode()
    assert learner.email in text
    assert other_learner.email not in text
    assert "Trần Thị Bình" not in text


def test_officer_gets_404_on_another_district_and_it_is_logged(
    client, officer, other_learner
):
    client.force_login(officer)
    url = staff_edit(other_learner)
    assert client.get(url).status_code == 404
    assert client.post(url, {"full_name": "X"}).status_code == 404
    assert (
        client.get(
            reverse("people_staff:history", args=[other_learner.profile.pk])
        ).status_code
        == 404
    )
    denied = AccessLog.objects.filter(actor=officer, action=AccessLog.Action.DENIED)
    assert denied.count() == 3
    assert denied.first().subject_user_id == other_learner.pk
    assert StaffProfile.objects.get(user=other_learner).full_name == "Trần Thị Bình"


def test_officer_edits_own_staff_and_the_view_is_logged(client, officer, learner):
    client.force_login(officer)
    url = staff_edit(learner)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(
        actor=officer, action=AccessLog.Action.VIEW, subject_user_id=learner.pk
    ).exists()
    response = client.post(
        url,
        {
            "full_name": "  Nguyễn Văn  An ",
            "position": "Chuyên viên",
            "agency": learner.profile.agency_id,
            "category": "cong_chuc",
            "phone": "0251 3000 000",
            "date_of_birth": "05/12/1988",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    profile = StaffProfile.objects.get(user=learner)
    assert profile.position == "Chuyên viên"
    assert profile.date_of_birth.isoformat() == "1988-12-05"


def test_officer_cannot_move_staff_to_another_district_agency(
    client, officer, learner, other_learner
):
    client.force_login(officer)
    response = client.post(
        staff_edit(learner),
        {"full_name": "Nguyễn Văn An", "agency": other_learner.profile.agency_id},
    )
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors


@pytest.mark.usefixtures("before_the_reform")  # Xuân Lộc (741) in force
def test_officer_creates_staff_who_is_invited(
    client, officer, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(officer)
    agency = officer.profile.agency
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people_staff:add"),
            {
                "email": "Moi.NV@XuanLoc.example.gov.vn",
                "full_name": "Nguyễn Văn Mới",
                "agency": agency.pk,
                "category": "vien_chuc",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email="moi.nv@xuanloc.example.gov.vn")
    assert user.profile.unit == officer.profile.unit
    assert user.has_role("learner") and not user.has_usable_password()
    assert len(mailoutbox) == 1


def test_officer_agencies_are_scoped(client, officer, other_officer):
    client.force_login(officer)
    response = client.get(reverse("people_agencies:index"))
    text = response.content.decode()
    assert "Huyện Xuân Lộc" in text and "Thành phố Biên Hòa" not in text
    other_agency = Agency.objects.get(unit=other_officer.profile.unit)
    assert (
        client.get(reverse("people_agencies:edit", args=[other_agency.pk])).status_code
        == 404
    )


def test_officer_may_view_but_not_edit_units(client, officer, units):
    client.force_login(officer)
    assert client.get(reverse("people_units:index")).status_code == 200
    edit = reverse("people_units:edit", args=[units["741"].pk])
    assert client.get(edit).status_code in (302, 403)
    assert client.get(reverse("people_units:add")).status_code in (302, 403)


def test_units_listed_as_a_tree(client, province_admin, units):
    client.force_login(province_admin)
    text = client.get(reverse("people_units:index")).content.decode()
    assert text.index("Tỉnh Đồng Nai") < text.index("— Thành phố Biên Hòa")
    assert (
        client.get(reverse("people_units:edit", args=[units["741"].pk])).status_code
        == 200
    )


def test_province_admin_sees_every_district(
    client, province_admin, learner, other_learner
):
    client.force_login(province_admin)
    text = client.get(reverse("people_staff:index")).content.decode()
    assert learner.email in text and other_learner.email in text
    assert client.get(staff_edit(other_learner)).status_code == 200


def test_learner_has_no_admin(client, learner):
    client.force_login(learner)
    response = client.get(reverse("people_staff:index"))
    assert response.status_code in (302, 403)


def test_role_change_is_audit_logged_with_actor(units, province_admin, learner):
    from elearning.people.services import user_set_role

    user_set_role(user=learner, role="officer", actor=province_admin)
    entries = ModelLogEntry.objects.filter(
        action="people.role_change", object_id=str(learner.pk)
    ).order_by("timestamp", "pk")
    data = [entry.data for entry in entries]
    assert {"removed": ["learner"]} in data and {"added": ["officer"]} in data
    assert all(entry.user_id == province_admin.pk for entry in entries.reverse()[:2])
    learner.refresh_from_db()
    assert learner.is_staff and learner.needs_mfa


def test_role_change_from_the_group_side_is_logged(units, learner):
    from django.contrib.auth.models import Group

    Group.objects.get(name="trainer").user_set.add(learner)
    assert ModelLogEntry.objects.filter(
        action="people.role_change",
        object_id=str(learner.pk),
        data={"added": ["trainer"]},
    ).exists()


def test_moving_agency_moves_unit(units, learner):
    from tests.factories import AgencyFactory

    profile = learner.profile
    profile.agency = AgencyFactory(unit=units["742"], name="Phòng Nội vụ")
    profile.save()
    profile.refresh_from_db()
    assert profile.unit == units["742"]


@pytest.mark.parametrize("size", [3, 30])
def test_staff_listing_query_count_does_not_grow(
    client, officer, units, size, django_assert_max_num_queries
):
    from tests.factories import make_person

    for i in range(size):
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Nguyễn Văn Học{i}",
            email=f"hv{i}@xuanloc.example.gov.vn",
            ready=False,
        )
    client.force_login(officer)
    client.get(reverse("people_staff:index"))  # warm caches (content types...)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people_staff:index"))
    assert response.status_code == 200


@pytest.mark.usefixtures("before_the_reform")  # Xuân Lộc (741) in force
def test_officer_creates_agencies_only_in_own_unit(client, officer, units):
    client.force_login(officer)
    url = reverse("people_agencies:add")
    response = client.post(url, {"name": "Phòng Y tế", "unit": units["731"].pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    response = client.post(url, {"name": "Phòng Y tế", "unit": units["741"].pk})
    assert response.status_code == 302
    assert Agency.objects.get(name="Phòng Y tế").unit == units["741"]
