"""Moving people from ended units to their successors: command and screen."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from elearning.people.models import Agency, StaffProfile
from elearning.people.unit_moves import moves_propose, person_move_unit
from tests.factories import make_person

from .units_data import BEFORE, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(units_2025, units):
    """Five people of Xuân Lộc and Biên Hòa as their records stood in 2025."""

    def person(code, name, email, day=BEFORE):
        return make_person(
            role="learner", unit=unit(code, day), full_name=name, email=email
        ).profile

    return {
        # The district itself: split into seven communes, no commune known.
        "district": person("741", "Nguyễn Văn Huyện", "huyen@example.gov.vn"),
        # Xã Xuân Hiệp merged whole into Xã Xuân Lộc (26425).
        "merged": person("26455", "Trần Thị Hiệp", "hiep@example.gov.vn"),
        # Xã Xuân Tâm split between Xã Xuân Đông and Xã Xuân Hòa.
        "split": person("26449", "Lê Văn Tâm", "tam@example.gov.vn"),
        # Already in today's Xã Xuân Lộc: nothing to do.
        "current": person(
            "26425",
            "Phạm Thị Nay",
            "nay@example.gov.vn",
            day=units_2025["26425"].valid_from,
        ),
        # Phường Tân Hòa (26005 until 30/06/2025), in Biên Hòa, not Xuân Lộc.
        "elsewhere": person("26005", "Võ Văn Hòa", "hoa@example.gov.vn"),
    }


def state():
    return (
        sorted(StaffProfile.objects.values_list("pk", "unit_id", "agency_id")),
        Agency.objects.count(),
        ModelLogEntry.objects.filter(action="people.unit_moved").count(),
    )


def test_proposals_follow_the_successions(people, units_2025):
    proposals = {p.profile.pk: p for p in moves_propose(unit=unit("741", BEFORE))}
    assert set(proposals) == {people[k].pk for k in ("district", "merged", "split")}
    merged = proposals[people["merged"].pk]
    assert merged.to == units_2025["26425"]
    district = proposals[people["district"].pk]
    assert district.ambiguous and len(district.candidates) == 7
    split = proposals[people["split"].pk]
    assert split.ambiguous
    assert [c.full_name for c in split.candidates] == ["Xã Xuân Đông", "Xã Xuân Hòa"]


def test_dry_run_changes_nothing_and_prints_the_proposal(people, capsys):
    before = state()
    call_command("migrate_units", "--from", "741", "--dry-run")
    out = capsys.readouterr().out
    assert state() == before
    assert (
        "Trần Thị Hiệp <hiep@example.gov.vn>: Xã Xuân Hiệp (26455) → "
        "Xã Xuân Lộc (26425)" in out
    )
    assert (
        "Lê Văn Tâm <tam@example.gov.vn>: Xã Xuân Tâm (26449) → chưa rõ; chọn một "
        "trong: Xã Xuân Đông (26359), Xã Xuân Hòa (26446)" in out
    )
    assert "sẽ chuyển 1 người, 2 người chưa rõ" in out
    assert "Võ Văn Hòa" not in out and "Phạm Thị Nay" not in out


def test_real_run_moves_the_clear_ones_logs_and_lists_the_rest(
    people, units_2025, capsys
):
    merged = people["merged"]
    old_agency = merged.agency
    call_command("migrate_units", "--from", "741")
    out = capsys.readouterr().out
    assert "Đã chuyển 1 người; 2 người chưa rõ" in out
    merged.refresh_from_db()
    assert merged.unit == units_2025["26425"]
    # The agency of the same name in the new unit; the old one stays put.
    assert merged.agency.name == old_agency.name
    assert merged.agency.unit == units_2025["26425"]
    old_agency.refresh_from_db()
    assert old_agency.unit.code == "26455"
    entry = ModelLogEntry.objects.get(action="people.unit_moved")
    assert entry.object_id == str(merged.pk)
    assert entry.data["from"]["code"] == "26455"
    assert entry.data["to"]["code"] == "26425"
    assert entry.data["to"]["valid_from"] == "2025-07-01"
    assert "Xã Xuân Hiệp" in entry.message and "Xã Xuân Lộc" in entry.message
    for key, code in (("district", "741"), ("split", "26449"), ("elsewhere", "26005")):
        people[key].refresh_from_db()
        assert people[key].unit.code == code
        assert people[key].unit.valid_to is not None
    # Run again: nothing more moves without a decision.
    call_command("migrate_units", "--from", "741")
    assert ModelLogEntry.objects.filter(action="people.unit_moved").count() == 1


def test_to_moves_everyone_but_only_to_a_successor(people, units_2025):
    with pytest.raises(CommandError, match="không phải đơn vị kế thừa"):
        call_command("migrate_units", "--from", "741", "--to", "26005")
    with pytest.raises(CommandError, match="đã kết thúc"):
        call_command("migrate_units", "--from", "741", "--to", "26449")
    call_command("migrate_units", "--from", "741", "--to", "26359")
    moved = StaffProfile.objects.filter(unit=units_2025["26359"])
    assert set(moved.values_list("pk", flat=True)) == {
        people[k].pk for k in ("district", "merged", "split")
    }


def test_a_move_to_an_ended_unit_is_refused(people):
    from elearning.people.selectors import UnitEnded

    with pytest.raises(UnitEnded):
        person_move_unit(profile=people["merged"], to=unit("26449", BEFORE))
    people["merged"].refresh_from_db()
    assert people["merged"].unit.code == "26455"


def test_the_screen_moves_as_the_province_admin_chooses(
    client, people, province_admin, units_2025
):
    client.force_login(province_admin)
    url = reverse("people_unit_moves:index")
    district = unit("741", BEFORE)
    page = client.get(url).content.decode()
    assert "Huyện Xuân Lộc (741)" in page
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    page = client.get(url, {"from": district.pk}).content.decode()
    assert "Lê Văn Tâm" in page and "Xã Xuân Hòa (26446)" in page
    assert "Võ Văn Hòa" not in page
    response = client.post(
        url,
        {
            "from": district.pk,
            f"to-{people['merged'].pk}": units_2025["26425"].pk,
            f"to-{people['district'].pk}": units_2025["26434"].pk,
            # Not a candidate of Xã Xuân Tâm: ignored.
            f"to-{people['split'].pk}": units_2025["26005"].pk,
        },
    )
    assert response.status_code == 302
    units_now = dict(StaffProfile.objects.values_list("pk", "unit__code"))
    assert units_now[people["merged"].pk] == "26425"
    assert units_now[people["district"].pk] == "26434"
    assert units_now[people["split"].pk] == "26449"
    entries = ModelLogEntry.objects.filter(action="people.unit_moved")
    assert entries.count() == 2
    assert {e.user_id for e in entries} == {province_admin.pk}


def test_the_screen_is_refused_to_an_officer(client, people, officer, units_2025):
    client.force_login(officer)
    url = reverse("people_unit_moves:index")
    before = state()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    district = unit("741", BEFORE)
    client.post(
        url,
        {"from": district.pk, f"to-{people['merged'].pk}": units_2025["26425"].pk},
    )
    assert state() == before
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url not in menu


def test_of_several_successors_the_one_that_took_the_whole_unit_is_proposed(
    units_2025,
):
    from elearning.people.models import UnitSuccession
    from elearning.people.unit_moves import successor_proposed

    old = unit("26455", BEFORE)  # Xã Xuân Hiệp: merged into Xã Xuân Lộc
    UnitSuccession.objects.create(
        predecessor=old,
        successor=units_2025["26434"],
        kind=UnitSuccession.Kind.SPLIT,
        partial=True,
        effective_date=units_2025["26434"].valid_from,
    )
    to, candidates = successor_proposed(old, units_2025["26434"].valid_from)
    assert to == units_2025["26425"]
    assert {c.code for c in candidates} == {"26425", "26434"}
