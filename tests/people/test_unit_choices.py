"""Choosers for new work offer only units in force today."""

import pytest
from django.urls import reverse

from elearning.people.models import Agency, User
from elearning.people.signup import units_with_an_officer
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_officer(units_2025):
    return make_person(
        role="officer",
        unit=units_2025["26425"],
        full_name="Đỗ Thị Lan",
        email="lan.dt@xuanloc.example.gov.vn",
    )


def test_an_ended_districts_agency_takes_no_new_staff(client, officer, units):
    client.force_login(officer)
    response = client.post(
        reverse("people_staff:add"),
        {
            "email": "moi@example.gov.vn",
            "full_name": "Nguyễn Văn Mới",
            "agency": officer.profile.agency.pk,
        },
    )
    assert response.status_code == 200
    assert "agency" in response.context["form"].errors
    assert not User.objects.filter(email="moi@example.gov.vn").exists()
    # An agency cannot be placed in the ended district either.
    response = client.post(
        reverse("people_agencies:add"), {"name": "Phòng Y tế", "unit": units["741"].pk}
    )
    assert "unit" in response.context["form"].errors


def test_an_existing_record_of_an_ended_unit_can_still_be_edited(
    client, officer, learner
):
    client.force_login(officer)
    profile = learner.profile
    response = client.post(
        reverse("people_staff:edit", args=[profile.pk]),
        {
            "email": learner.email,
            "full_name": profile.full_name,
            "agency": profile.agency_id,
            "phone": "0912345678",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    profile.refresh_from_db()
    assert profile.phone == "0912345678"


def test_a_commune_officer_adds_staff_and_agencies_in_the_commune(
    client, commune_officer, units_2025
):
    client.force_login(commune_officer)
    commune = units_2025["26425"]
    response = client.post(
        reverse("people_agencies:add"), {"name": "Trạm Y tế", "unit": commune.pk}
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Trạm Y tế")
    response = client.post(
        reverse("people_staff:add"),
        {
            "email": "moi@example.gov.vn",
            "full_name": "Nguyễn Văn Mới",
            "agency": agency.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(email="moi@example.gov.vn").profile.unit == commune


def test_sign_up_offers_units_in_force_only(officer, commune_officer, units_2025):
    offered = list(units_with_an_officer())
    assert offered == [units_2025["26425"]]
