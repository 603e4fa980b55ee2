"""Attendance counts per learner across the classes of a course, and every
role reads the same progress with the class, its sessions and a link."""

import datetime

import pytest
from django.urls import reverse

from courses.attendance.models import ClassSession, TrainingClass
from courses.attendance.selectors import attendance_requirement
from courses.attendance.services import attendance_mark, class_membership_add
from courses.models import Enrolment
from courses.selectors import enrolments_eligibility

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _mark_all(sessions, learner, by):
    for session in sessions:
        attendance_mark(
            session=session,
            learner=learner,
            status="present",
            method="trainer",
            recorded_by=by,
            now=session.start + datetime.timedelta(minutes=5),
        )


@pytest.fixture
def second_class(klass, trainer):
    later = TrainingClass.objects.create(
        course=klass.course,
        code="ATTT-XL-02",
        name="Lớp bồi dưỡng lần 2",
        unit=klass.unit,
        start_date=datetime.date(2026, 12, 20),
        end_date=datetime.date(2026, 12, 30),
        min_attendance_percent=80,
    )
    later.trainers.add(trainer)
    for day in (21, 23, 28):
        ClassSession.objects.create(
            training_class=later, start=at(day, 8), end=at(day, 11), topic="Buổi"
        )
    return later


def test_sessions_attended_in_a_first_class_still_count_after_a_second(
    klass, sessions, member, trainer, second_class, province_admin, time_machine
):
    time_machine.move_to(at(16, 9))
    _mark_all(sessions, member, trainer)
    enrolment = Enrolment.objects.get(learner=member, course=klass.course)
    assert attendance_requirement(enrolment).done

    # Added to a later class of the same course: what was attended stays.
    class_membership_add(
        training_class=second_class, learner=member, added_by=province_admin
    )
    requirement = attendance_requirement(enrolment)
    assert requirement.done and requirement.reasons == []
    assert requirement.progress == (4, 4)
    assert requirement.url == reverse("attendance:class_detail", args=["ATTT-XL-02"])
    assert requirement.details == [
        "Lớp ATTT-XL-02 (20/12/2026–30/12/2026): dự 0/0 buổi đã học, lớp có 3 "
        "buổi; buổi tới: 08:00 21/12/2026.",
        "Lớp ATTT-XL-01 (01/12/2026–10/12/2026): dự 5/5 buổi đã học, lớp có 5 buổi.",
    ]


def test_sessions_of_two_classes_add_up(
    klass, sessions, member, trainer, second_class, province_admin, time_machine
):
    """Two sessions in the first class, then moved to the second: the two
    count toward the second class's three needed."""
    time_machine.move_to(at(16, 9))
    _mark_all(sessions[:2], member, trainer)
    class_membership_add(
        training_class=second_class, learner=member, added_by=province_admin
    )
    enrolment = Enrolment.objects.get(learner=member, course=klass.course)
    requirement = attendance_requirement(enrolment)
    assert not requirement.done
    assert requirement.progress == (2, 3)
    assert requirement.reasons[0] == "Còn thiếu 1 buổi"
    time_machine.move_to(at(21, 12))
    _mark_all(second_class.sessions.all()[:1], member, trainer)
    assert attendance_requirement(enrolment).done
    # The batch form gives the same answer.
    many = enrolments_eligibility([enrolment])[enrolment.pk]
    assert next(r for r in many.requirements if r.key == "attendance").done


def test_officer_list_shows_the_learners_progress(
    client, klass, sessions, member, trainer, officer, time_machine
):
    from courses.selectors import course_eligibility

    time_machine.move_to(at(9, 12))
    _mark_all(sessions[:1], member, trainer)
    learner_view = course_eligibility(user=member, course=klass.course)
    client.force_login(officer)
    html = client.get(reverse("courses:officer_enrolments")).content.decode()
    assert f"<strong>{learner_view.progress_percent}%</strong>" in html
    assert "Chuyên cần (1/4)" in html
    page = client.get(reverse("courses:officer_learner", args=[member.pk]))
    assert "Lớp ATTT-XL-01 (01/12/2026–10/12/2026)" in page.content.decode()


def test_adding_to_a_class_reactivates_a_withdrawn_enrolment_with_an_audit_entry(
    klass, learner, trainer, province_admin
):
    from wagtail.models import ModelLogEntry

    from courses.services import enrolment_create, enrolment_withdraw

    enrolment = enrolment_create(
        learner=learner, course=klass.course, actor=province_admin
    )
    enrolment_withdraw(enrolment=enrolment, actor=province_admin)
    class_membership_add(training_class=klass, learner=learner, added_by=trainer)
    enrolment.refresh_from_db()
    assert enrolment.is_active and enrolment.enrolled_by == trainer
    assert ModelLogEntry.objects.filter(
        object_id=str(enrolment.pk), action="courses.enrolment.create", user=trainer
    ).exists()
