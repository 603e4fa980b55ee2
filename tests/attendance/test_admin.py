"""Admin screens for classes and sessions are scoped to the classes a
trainer leads."""

import datetime

import pytest

from courses.attendance.models import TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_class(course):
    return TrainingClass.objects.create(
        course=course,
        code="LOP-KHAC",
        name="Lớp của giảng viên khác",
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 2),
    )


@pytest.fixture
def admin_access(db):
    from django.contrib.auth.models import Group, Permission

    for name in ["trainer", "admin"]:
        Group.objects.get(name=name).permissions.add(
            Permission.objects.get(codename="access_admin")
        )


def test_trainer_lists_and_edits_only_own_classes(
    client, klass, others_class, trainer, admin_access
):
    client.force_login(trainer)
    listing = client.get("/admin/training_classes/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert klass.code in page and others_class.code not in page
    assert client.get(f"/admin/training_classes/edit/{klass.pk}/").status_code == 200
    assert (
        client.get(f"/admin/training_classes/edit/{others_class.pk}/").status_code
        == 404
    )
    assert (
        client.get(f"/admin/training_classes/delete/{others_class.pk}/").status_code
        == 404
    )


def test_province_admin_sees_every_class(
    client, klass, others_class, province_admin, admin_access
):
    client.force_login(province_admin)
    page = client.get("/admin/training_classes/").content.decode()
    assert klass.code in page and others_class.code in page


def test_sessions_listing_is_scoped(
    client, klass, sessions, others_class, trainer, admin_access
):
    from courses.attendance.models import ClassSession

    foreign = ClassSession.objects.create(
        training_class=others_class,
        start=sessions[0].start,
        end=sessions[0].end,
        topic="Buổi của lớp khác",
    )
    client.force_login(trainer)
    page = client.get("/admin/class_sessions/").content.decode()
    assert "Buổi 1" in page and "Buổi của lớp khác" not in page
    assert client.get(f"/admin/class_sessions/edit/{foreign.pk}/").status_code == 404


def test_session_form_offers_only_led_classes(
    client, klass, others_class, trainer, admin_access
):
    client.force_login(trainer)
    page = client.get("/admin/class_sessions/new/").content.decode()
    assert klass.code in page and others_class.code not in page


def test_class_code_is_kept_as_typed(client, klass, province_admin, admin_access):
    """The class form once used Wagtail's slug input, which lower-cases
    what is typed: "ATTT-XL-LOP2" was saved as "attt-xl-lop2"."""
    client.force_login(province_admin)
    page = client.get(f"/admin/training_classes/edit/{klass.pk}/").content.decode()
    field = page[page.index('name="code"') - 300 : page.index('name="code"') + 300]
    # Wagtail's slug input is driven by its "w-slug" controller.
    assert 'name="code"' in field and "w-slug" not in field


def test_class_form_offers_trainers_only_and_units_in_force(
    client, klass, trainer, learner, officer, province_admin, admin_access
):
    from elearning.people.models import AdministrativeUnit

    ended = AdministrativeUnit.objects.get(code="731")  # ended 30/06/2025
    client.force_login(province_admin)
    response = client.get(f"/admin/training_classes/edit/{klass.pk}/")
    form = response.context["form"]
    trainers = set(form.fields["trainers"].queryset)
    assert trainer in trainers
    assert learner not in trainers and officer not in trainers
    assert trainer.email in form.fields["trainers"].label_from_instance(trainer)
    units = set(form.fields["unit"].queryset)
    # The class's own unit (Xuân Lộc, ended) stays; other ended units do not.
    assert klass.unit in units and ended not in units
    assert AdministrativeUnit.objects.get(code="75") in units
    new = client.get("/admin/training_classes/new/").context["form"]
    assert klass.unit not in set(new.fields["unit"].queryset)
