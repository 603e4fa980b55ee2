"""Issuing by training class, through the attendance app's own roster
(``courses.attendance.selectors.class_learner_ids``, not a stand-in): the
command and the bulk page, end to end."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from certificates.models import Certificate
from courses.attendance.selectors import class_learner_ids
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def lop(course, units, trainer):
    """Class LOP-XL-01 of the course, serving the whole province."""
    from courses.attendance.models import TrainingClass

    return TrainingClass.objects.create(
        course=course,
        code="LOP-XL-01",
        name="Lớp tập huấn An toàn thông tin",
        start_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 2, 3),
    )


@pytest.fixture
def members(lop, learner, other_learner, units, course, template, enrol):
    """In the class: learner (Xuân Lộc, 80), other_learner (Biên Hòa, 95),
    a Xuân Lộc learner who has not passed. Outside it: a Xuân Lộc learner who
    has passed (must not be issued by class)."""
    from courses.attendance.models import ClassMembership

    waiting = make_person(
        role="learner", unit=units["741"], full_name="Phan Thị Cúc", email="cuc@x.vn"
    )
    outsider = make_person(
        role="learner", unit=units["741"], full_name="Đỗ Văn Ngoài", email="ngoai@x.vn"
    )
    for person in (learner, other_learner, waiting):
        ClassMembership.objects.create(training_class=lop, learner=person)
    enrol(learner, course, 80)
    enrol(other_learner, course, 95)
    enrol(waiting, course)
    enrol(outsider, course, 90)
    return {"waiting": waiting, "outsider": outsider}


def test_certificates_ask_attendance_for_the_roster(
    members, lop, course, learner, other_learner
):
    assert set(class_learner_ids(course, "LOP-XL-01")) == {
        learner.pk,
        other_learner.pk,
        members["waiting"].pk,
    }
    assert class_learner_ids(course, "KHONG-CO") is None


def test_a_class_of_another_course_is_no_such_class(lop, course, trainer):
    from courses.models import CoursePage

    other = course.get_parent().add_child(
        instance=CoursePage(title="Khóa khác", slug="khac", code="KHAC-2026")
    )
    assert class_learner_ids(other, "LOP-XL-01") is None


def test_command_issues_to_the_class_only(members, course, learner, other_learner):
    out = io.StringIO()
    call_command(
        "issue_certificates",
        "--course",
        "attt-co-ban",
        "--class",
        "LOP-XL-01",
        stdout=out,
    )
    output = out.getvalue()
    assert "issued: 2, skipped: 1" in output
    assert "SKIPPED Phan Thị Cúc" in output
    issued = Certificate.objects.order_by("learner_id")
    assert {c.learner_id for c in issued} == {learner.pk, other_learner.pk}
    assert {c.training_class_code for c in issued} == {"LOP-XL-01"}
    assert not Certificate.objects.filter(learner=members["outsider"]).exists()
    with pytest.raises(CommandError, match="KHONG-CO"):
        call_command(
            "issue_certificates",
            "--course",
            "attt-co-ban",
            "--class",
            "KHONG-CO",
            stdout=io.StringIO(),
        )


def test_officer_bulk_issue_by_class_stays_in_district(
    client, officer, members, course, learner, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    url = reverse("certificates:issue")
    query = {"course": course.pk, "training_class_code": "LOP-XL-01"}
    body = client.get(url, query).content.decode()
    assert "Nguyễn Văn An" in body and "Phan Thị Cúc" in body
    assert "Trần Thị Bình" not in body  # Biên Hòa member: not the officer's
    assert "Đỗ Văn Ngoài" not in body  # Xuân Lộc, but not in the class
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**query, "issue": "1"})
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.learner == learner
    assert certificate.training_class_code == "LOP-XL-01"
    assert certificate.issued_by == officer


def test_admin_bulk_issue_by_unknown_class_says_so(
    client, province_admin, members, course
):
    client.force_login(province_admin)
    body = client.get(
        reverse("certificates:issue"),
        {"course": course.pk, "training_class_code": "LOP-KHAC"},
    ).content.decode()
    assert "Không tìm thấy lớp tập huấn có mã LOP-KHAC." in body
    assert not Certificate.objects.exists()
