"""One agency per unit and name, whatever the case or spacing."""

import io

import pytest
from django.core.management import call_command

from elearning.people.models import Agency, User
from elearning.people.names import name_match_key
from elearning.people.services import agency_get_or_create

pytestmark = pytest.mark.django_db


def test_match_key_ignores_case_and_spacing_not_diacritics():
    assert name_match_key(" Phòng  Nội vụ huyện ") == name_match_key(
        "PHÒNG NỘI VỤ HUYỆN"
    )
    assert name_match_key("Phòng Nội vụ") != name_match_key("Phong Noi vu")
    # NFD input (Windows-1258 files) matches NFC.
    assert name_match_key("Hu\u0301yê\u0323n") == name_match_key("Húyện")


def test_get_or_create_reuses_the_existing_spelling(units):
    unit = units["741"]
    agency = Agency.objects.create(unit=unit, name="Phòng Nội vụ Huyện Xuân Lộc")
    same, created = agency_get_or_create(unit=unit, name="phòng nội vụ  huyện Xuân Lộc")
    assert (same, created) == (agency, False)
    assert same.name == "Phòng Nội vụ Huyện Xuân Lộc"
    other, created = agency_get_or_create(unit=unit, name="Phong Noi vu Huyen Xuan Loc")
    assert created and other != agency
    # Another unit's agency of the same name is another agency.
    elsewhere, created = agency_get_or_create(
        unit=units["731"], name="Phòng Nội vụ Huyện Xuân Lộc"
    )
    assert created and elsewhere.unit == units["731"]
    assert Agency.objects.count() == 3


def test_add_user_joins_the_existing_agency(units):
    unit = units["741"]
    agency = Agency.objects.create(unit=unit, name="Phòng Nội vụ Huyện Xuân Lộc")
    call_command(
        "add_user",
        "nv@x.vn",
        "--role",
        "learner",
        "--unit",
        "741",
        "--agency",
        "phòng nội vụ huyện xuân lộc",
        "--full-name",
        "Ngô Văn Vũ",
        stdout=io.StringIO(),
    )
    assert Agency.objects.filter(unit=unit).count() == 1
    assert User.objects.get(email="nv@x.vn").profile.agency == agency
