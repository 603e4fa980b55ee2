"""The province admin's unit and succession screens (Wagtail admin)."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from elearning.people.models import AdministrativeUnit, UnitSuccession
from elearning.people.services import unit_create

pytestmark = pytest.mark.django_db

APRIL_29 = datetime.date(2026, 4, 29)
APRIL_30 = datetime.date(2026, 4, 30)


def commune(units, code, full_name, valid_from=datetime.date(2025, 7, 1), **extra):
    return unit_create(
        code=code,
        name=full_name.split(" ", 1)[1],
        full_name=full_name,
        level="commune",
        kind=extra.pop("kind", "commune"),
        parent=units["75"],
        valid_from=valid_from,
        **extra,
    )


def unit_form(**changes):
    data = {
        "code": "26116",
        "name": "Tân Phú",
        "full_name": "Phường Tân Phú",
        "level": "commune",
        "kind": "ward",
        "parent": "",
        "valid_from": "30/04/2026",
        "valid_to": "",
        "legal_basis": "Nghị quyết 237/NQ-UBTVQH16",
        "note": "",
    }
    data.update(changes)
    return data


def test_admin_adds_a_unit_with_dates_and_parent(client, province_admin, units):
    client.force_login(province_admin)
    url = reverse("people_units:add")
    assert client.get(url).status_code == 200
    response = client.post(url, unit_form(parent=units["75"].pk))
    assert response.status_code == 302, response.context["form"].errors
    unit = AdministrativeUnit.objects.get(code="26116")
    assert (unit.full_name, unit.kind, unit.parent, unit.valid_from) == (
        "Phường Tân Phú",
        "ward",
        units["75"],
        APRIL_30,
    )
    assert ModelLogEntry.objects.filter(
        action="wagtail.create", object_id=str(unit.pk), user=province_admin
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, "parent", "thiếu đơn vị cấp trên"),
        ({"kind": "town"}, "kind", "không thuộc cấp"),
        ({"valid_to": "01/01/2026"}, "valid_to", "phải sau ngày bắt đầu"),
        ({"valid_from": "01/07/2025"}, "valid_from", "đã dùng cho «Xã Tân Phú»"),
    ],
    ids=["no-parent", "kind-of-another-level", "ends-before-it-starts", "overlap"],
)
def test_unit_form_refuses_what_the_service_refuses(
    client, province_admin, units, changes, field, message
):
    commune(units, "26116", "Xã Tân Phú")
    client.force_login(province_admin)
    data = unit_form(parent=units["75"].pk) if field != "parent" else unit_form()
    data.update(changes)
    response = client.post(reverse("people_units:add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert AdministrativeUnit.objects.filter(code="26116").count() == 1


def test_succession_form_ends_the_predecessors(client, province_admin, units):
    """Two xã merged into a new phường on 30/04/2026, through the admin."""
    first = commune(units, "26116", "Xã Tân Phú")
    second = commune(units, "26122", "Xã Nam Cát Tiên")
    new = commune(units, "26999", "Phường Mới", APRIL_30, kind="ward")
    client.force_login(province_admin)
    url = reverse("people_successions:add")
    page = client.get(url)
    assert page.status_code == 200
    for field in ("predecessors", "successor", "partial", "move_children"):
        assert f'name="{field}"' in page.content.decode()
    data = {
        "predecessors": [first.pk, second.pk],
        "successor": new.pk,
        "kind": "merge",
        "effective_date": "30/04/2026",
        "legal_basis": "Nghị quyết 237/NQ-UBTVQH16",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    successions = UnitSuccession.objects.filter(successor=new)
    assert sorted(s.predecessor.code for s in successions) == ["26116", "26122"]
    assert all(not s.partial and s.kind == "merge" for s in successions)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.valid_to == second.valid_to == APRIL_29
    assert AdministrativeUnit.objects.get_on("26116", APRIL_29) == first
    assert AdministrativeUnit.objects.get_on("26999", APRIL_30) == new
    logged = ModelLogEntry.objects.filter(user=province_admin)
    assert logged.filter(action="wagtail.create").count() == 2
    assert logged.filter(action="people.unit_ended").count() == 2

    # The same succession again is refused, and nothing changes.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "đã được ghi nhận" in str(response.context["form"].errors)
    assert UnitSuccession.objects.count() == 2


def test_succession_form_refuses_a_successor_not_in_force(
    client, province_admin, units
):
    old = commune(units, "26116", "Xã Tân Phú")
    later = commune(units, "26999", "Phường Mới", APRIL_30, kind="ward")
    client.force_login(province_admin)
    response = client.post(
        reverse("people_successions:add"),
        {
            "predecessors": [old.pk],
            "successor": later.pk,
            "kind": "upgrade",
            "effective_date": "01/01/2026",
        },
    )
    assert response.status_code == 200
    assert "không có hiệu lực vào ngày 01/01/2026" in " ".join(
        response.context["form"].errors["successor"]
    )
    old.refresh_from_db()
    assert old.valid_to is None
    assert not UnitSuccession.objects.exists()


def test_a_recorded_succession_changes_only_its_basis_and_partial(
    client, province_admin, units
):
    from elearning.people.services import unit_succeed

    old = commune(units, "26116", "Xã Tân Phú")
    new = commune(units, "26999", "Phường Mới", APRIL_30, kind="ward")
    (succession,) = unit_succeed(
        predecessors=[old], successor=new, kind="upgrade", effective_date=APRIL_30
    )
    client.force_login(province_admin)
    url = reverse("people_successions:edit", args=[succession.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "predecessor": new.pk,
            "successor": old.pk,
            "kind": "merge",
            "effective_date": "01/01/2027",
            "legal_basis": "Nghị quyết 237/NQ-UBTVQH16",
            "partial": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    succession.refresh_from_db()
    assert (succession.predecessor, succession.successor, succession.kind) == (
        old,
        new,
        "upgrade",
    )
    assert succession.effective_date == APRIL_30
    assert succession.legal_basis == "Nghị quyết 237/NQ-UBTVQH16"
    assert succession.partial


def test_nobody_deletes_units_or_successions(client, units, django_user_model):
    from elearning.people.services import unit_succeed
    from tests.factories import make_ready

    old = commune(units, "26116", "Xã Tân Phú")
    new = commune(units, "26999", "Phường Mới", APRIL_30, kind="ward")
    (succession,) = unit_succeed(
        predecessors=[old], successor=new, kind="upgrade", effective_date=APRIL_30
    )
    root = make_ready(
        django_user_model.objects.create_superuser(
            email="root@example.gov.vn", password="mat-khau-thu-nghiem-2026"
        )
    )
    client.force_login(root)
    for url in (
        reverse("people_successions:delete", args=[succession.pk]),
        reverse("people_units:delete", args=[old.pk]),
    ):
        for response in (client.get(url), client.post(url)):
            # Wagtail's "no permission" answer: back to the dashboard.
            assert response.status_code == 302
            assert response.url == reverse("wagtailadmin_home")
    assert UnitSuccession.objects.filter(pk=succession.pk).exists()
    assert AdministrativeUnit.objects.filter(pk=old.pk).exists()


def test_unit_list_filters_the_units_in_force_on_a_day(client, province_admin, units):
    commune(units, "26005", "Phường Hố Nai", kind="ward")
    old = unit_create(
        code="26005",
        name="Tân Hòa",
        full_name="Phường Tân Hòa",
        level="commune",
        kind="ward",
        parent=units["731"],
        valid_from=datetime.date(2004, 7, 8),
        valid_to=datetime.date(2025, 6, 30),
    )
    client.force_login(province_admin)
    url = reverse("people_units:index")
    on_june_30 = client.get(url, {"in_force_on": "30/06/2025", "level": "commune"})
    assert on_june_30.status_code == 200
    assert [u.pk for u in on_june_30.context["object_list"]] == [old.pk]
    on_july_1 = client.get(url, {"in_force_on": "01/07/2025", "level": "commune"})
    assert [u.full_name for u in on_july_1.context["object_list"]] == ["Phường Hố Nai"]
