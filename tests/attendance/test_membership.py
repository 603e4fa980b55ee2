"""Officers put their own staff in a class; capacity holds; enrolment made."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from courses.attendance.models import ClassMembership, ClassSession
from courses.attendance.services import (
    class_membership_add,
    class_sessions_create_weekly,
)
from courses.models import Enrolment
from tests.factories import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_officer_enrols_own_staff_and_course_enrolment_is_made(klass, officer, learner):
    membership = class_membership_add(
        training_class=klass, learner=learner, added_by=officer
    )
    enrolment = Enrolment.objects.get(learner=learner, course=klass.course)
    assert (enrolment.source, enrolment.enrolled_by) == ("officer", officer)
    assert membership.added_by == officer
    assert ModelLogEntry.objects.filter(action="attendance.member_add").count() == 1
    # Again: nothing new.
    assert (
        class_membership_add(training_class=klass, learner=learner, added_by=officer)
        == membership
    )
    assert ClassMembership.objects.count() == 1


def test_officer_cannot_enrol_another_districts_staff(klass, officer, other_learner):
    with pytest.raises(PermissionDenied):
        class_membership_add(
            training_class=klass, learner=other_learner, added_by=officer
        )
    assert not Enrolment.objects.exists()


def test_learner_cannot_add_anyone(klass, learner, other_learner):
    with pytest.raises(PermissionDenied):
        class_membership_add(training_class=klass, learner=learner, added_by=learner)


def test_capacity_is_enforced(klass, officer, units):
    klass.capacity = 2
    klass.save()
    people = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Nguyễn Văn Số{n}",
            email=f"so{n}@xuanloc.example.gov.vn",
        )
        for n in range(3)
    ]
    for person in people[:2]:
        class_membership_add(training_class=klass, learner=person, added_by=officer)
    with pytest.raises(ValidationError, match="đã đủ 2 học viên"):
        class_membership_add(training_class=klass, learner=people[2], added_by=officer)
    assert ClassMembership.objects.count() == 2


def test_weekly_sessions_tuesday_and_thursday(klass):
    created = class_sessions_create_weekly(
        training_class=klass,
        weekdays=[1, 3],
        start_time=datetime.time(8, 0),
        end_time=datetime.time(11, 30),
        first_day=datetime.date(2026, 12, 1),
        last_day=datetime.date(2026, 12, 15),
    )
    days = [s.start.astimezone(s.start.tzinfo).date().day for s in created]
    assert days == [1, 3, 8, 10, 15]
    first = ClassSession.objects.first()
    from django.utils import timezone

    local = timezone.localtime(first.start)
    assert (local.hour, local.minute) == (8, 0)
    assert timezone.localtime(first.end).minute == 30
    # Running it again creates nothing.
    again = class_sessions_create_weekly(
        training_class=klass,
        weekdays=[1, 3],
        start_time=datetime.time(8, 0),
        end_time=datetime.time(11, 30),
        first_day=datetime.date(2026, 12, 1),
        last_day=datetime.date(2026, 12, 15),
    )
    assert again == [] and ClassSession.objects.count() == 5


def test_officer_reaches_a_province_class_to_enrol_own_staff(
    client, course, units, officer, other_officer, learner, other_learner
):
    from django.urls import reverse

    from courses.attendance.models import TrainingClass

    province_class = TrainingClass.objects.create(
        course=course,
        code="ATTT-TINH",
        name="Lớp cấp tỉnh",
        unit=units["75"],
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 2),
    )
    client.force_login(officer)
    detail = reverse("attendance:class_detail", kwargs={"code": province_class.code})
    page = client.get(detail).content.decode()
    # Only the officer's own staff are offered.
    assert learner.email in page and other_learner.email not in page
    client.post(detail, {"learner": learner.pk})
    client.post(detail, {"learner": other_learner.pk})  # not offered: refused
    assert list(
        province_class.memberships.values_list("learner__email", flat=True)
    ) == [learner.email]
    # The other district's officer sees the class but not our learner.
    client.force_login(other_officer)
    assert learner.get_full_name() not in client.get(detail).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_when_two_officers_take_the_last_place(course, units, officer):
    """Two requests for the last place at once: the class row lock lets one
    in and refuses the other."""
    import threading

    from django.db import connection

    from courses.attendance.models import TrainingClass

    klass = TrainingClass.objects.create(
        course=course,
        code="ATTT-CHOT",
        name="Lớp một chỗ",
        unit=units["741"],
        capacity=1,
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2026, 12, 2),
    )
    people = [
        make_person(
            role="learner",
            unit=units["741"],
            full_name=f"Đỗ Văn Số{n}",
            email=f"cho{n}@xuanloc.example.gov.vn",
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def take(person):
        try:
            barrier.wait()
            class_membership_add(training_class=klass, learner=person, added_by=officer)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert klass.memberships.count() == 1


def test_class_roster_for_certificates(klass, course, learner, other_learner):
    """The roster the certificates app asks: members of a class of a course."""
    from courses.attendance.models import ClassMembership
    from courses.attendance.selectors import class_learner_ids

    assert class_learner_ids(course, klass.code) == []
    ClassMembership.objects.create(training_class=klass, learner=learner)
    ClassMembership.objects.create(training_class=klass, learner=other_learner)
    assert sorted(class_learner_ids(course, klass.code)) == sorted(
        [learner.pk, other_learner.pk]
    )
    assert class_learner_ids(course, klass.code.lower()) is None
    assert class_learner_ids(course, "KHONG-CO") is None


def test_a_trainer_fills_their_class_from_the_people_of_its_unit(
    client, klass, trainer, learner, other_learner
):
    """The trainer's "Học viên" list was empty: people were listed with the
    trainer's own scope, which holds nobody."""
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from courses.attendance.models import ClassMembership
    from courses.attendance.services import class_membership_add

    client.force_login(trainer)
    url = reverse("attendance:class_detail", kwargs={"code": klass.code})
    page = client.get(url).content.decode()
    assert learner.email in page  # Xuân Lộc, the class's unit
    assert other_learner.email not in page  # Biên Hòa
    client.post(url, {"learner": learner.pk})
    assert ClassMembership.objects.filter(
        training_class=klass, learner=learner
    ).exists()
    # Nor can a forged POST put another unit's learner in.
    with pytest.raises(PermissionDenied):
        class_membership_add(
            training_class=klass, learner=other_learner, added_by=trainer
        )
    response = client.post(url, {"learner": other_learner.pk})
    assert not ClassMembership.objects.filter(learner=other_learner).exists()
    assert response.status_code in (200, 302)
