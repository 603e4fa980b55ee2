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
        "--on",  # the district's last day
        "30/06/2025",
        "--agency",
        "phòng nội vụ huyện xuân lộc",
        "--full-name",
        "Ngô Văn Vũ",
        stdout=io.StringIO(),
    )
    assert Agency.objects.filter(unit=unit).count() == 1
    assert User.objects.get(email="nv@x.vn").profile.agency == agency


def _person(unit, agency, email):
    from tests.factories import make_person

    person = make_person(role="learner", unit=unit, full_name="Lê Văn Tám", email=email)
    person.profile.agency = agency
    person.profile.save()
    return person


def test_duplicates_made_earlier_are_merged_into_the_oldest(units):
    from wagtail.models import ModelLogEntry

    from elearning.people.services import AgencyMerge, agencies_merge_duplicates

    xl, bh = units["741"], units["731"]
    kept = Agency.objects.create(unit=xl, name="Phòng Nội vụ")
    lower = Agency.objects.create(unit=xl, name="phòng nội vụ")
    upper = Agency.objects.create(unit=xl, name="PHÒNG NỘI VỤ")
    unaccented = Agency.objects.create(unit=xl, name="Phong Noi vu")
    elsewhere = Agency.objects.create(unit=bh, name="phòng nội vụ")
    a = _person(xl, lower, "a@x.vn")
    b = _person(xl, upper, "b@x.vn")
    c = _person(xl, kept, "c@x.vn")
    d = _person(bh, elsewhere, "d@x.vn")

    before = set(Agency.objects.all())  # with the people's own agencies
    planned = agencies_merge_duplicates(dry_run=True)
    assert planned == [AgencyMerge(kept, ["phòng nội vụ", "PHÒNG NỘI VỤ"], 2)]
    assert set(Agency.objects.all()) == before  # a dry run changes nothing

    assert agencies_merge_duplicates() == planned
    assert set(Agency.objects.all()) == before - {lower, upper}
    assert {kept, unaccented, elsewhere} <= before - {lower, upper}
    for person in (a, b, c):
        person.profile.refresh_from_db()
        assert person.profile.agency == kept
    d.profile.refresh_from_db()
    assert d.profile.agency == elsewhere
    logged = ModelLogEntry.objects.filter(action="people.agency_merged")
    assert sorted(e.data["merged"] for e in logged) == ["PHÒNG NỘI VỤ", "phòng nội vụ"]
    assert {e.object_id for e in logged} == {str(kept.pk)}
    # Nothing left to merge.
    assert agencies_merge_duplicates() == []


def test_merge_agencies_command_lists_then_merges_one_unit(units):
    xl, bh = units["741"], units["731"]
    kept = Agency.objects.create(unit=xl, name="Văn phòng UBND")
    Agency.objects.create(unit=xl, name="văn phòng  ubnd")
    Agency.objects.create(unit=bh, name="Văn phòng UBND")
    Agency.objects.create(unit=bh, name="VĂN PHÒNG UBND")
    out = io.StringIO()
    call_command("merge_agencies", "--unit", "741", "--dry-run", stdout=out)
    assert "«văn phòng ubnd» → «Văn phòng UBND» (0 người)" in out.getvalue()
    assert "Sẽ gộp 1 cơ quan, đơn vị (chưa thay đổi gì)." in out.getvalue()
    assert Agency.objects.count() == 4
    call_command("merge_agencies", "--unit", "741", stdout=out)
    assert list(Agency.objects.filter(unit=xl)) == [kept]
    assert Agency.objects.filter(unit=bh).count() == 2
    with pytest.raises(Exception, match="999"):
        call_command("merge_agencies", "--unit", "999", stdout=out)
