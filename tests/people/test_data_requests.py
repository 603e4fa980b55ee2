"""Requests from a person about their data, with the law's clock: filed from
"Dữ liệu của tôi", acknowledged within 2 working days, answered within 15
days (extendable once), decided with a reason by the officer of the
person's unit (admins for people without a unit), notified, audited."""

import datetime
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.selectors import district_enrolments
from elearning.people.data_requests import (
    add_working_days,
    data_request_acknowledge,
    data_request_decide,
    data_request_extend,
    data_request_file,
    data_request_queue,
)
from elearning.people.models import DataRequest, StaffProfile, User
from elearning.reports.selectors import learners_visible_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = datetime.datetime(2026, 12, 4, 10, tzinfo=VN)


@pytest.fixture
def friday(time_machine):
    time_machine.move_to(FRIDAY, tick=False)
    return time_machine


def actions(request):
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(request.pk),
            content_type=ContentType.objects.get_for_model(DataRequest),
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (datetime.date(2026, 12, 4), 2, datetime.date(2026, 12, 8)),  # Fri → Tue
        (datetime.date(2026, 12, 5), 2, datetime.date(2026, 12, 8)),  # Sat → Tue
        (datetime.date(2026, 12, 7), 2, datetime.date(2026, 12, 9)),  # Mon → Wed
        (datetime.date(2026, 12, 10), 2, datetime.date(2026, 12, 14)),  # Thu → Mon
    ],
    ids=["friday", "saturday", "monday", "thursday"],
)
def test_working_days_skip_the_weekend(day, n, expected):
    assert add_working_days(day, n) == expected


def test_filing_sets_both_deadlines_and_tells_the_person(
    friday, learner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = data_request_file(
            person=learner, kind="correction", details="Chức vụ của tôi đã đổi"
        )
    assert request.status == DataRequest.Status.RECEIVED
    assert request.acknowledge_by == datetime.date(2026, 12, 8)
    assert request.answer_by == datetime.date(2026, 12, 19)
    assert actions(request) == ["people.data_request.filed"]
    assert mailoutbox[0].to == [learner.email]
    assert "19/12/2026" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("kind", "details"),
    [("correction", "  "), ("forget-me", "Xóa hết")],
    ids=["no-details", "unknown-kind"],
)
def test_bad_requests_are_refused_and_nothing_is_written(learner, kind, details):
    with pytest.raises(ValidationError):
        data_request_file(person=learner, kind=kind, details=details)
    assert not DataRequest.objects.exists()


def test_the_answer_may_be_extended_once_with_a_reason(friday, learner, officer):
    request = data_request_file(person=learner, kind="access", details="Bản sao")
    with pytest.raises(ValidationError):
        data_request_extend(request=request, actor=officer, reason="")
    request = data_request_extend(
        request=request, actor=officer, reason="Cần xác minh với cơ quan"
    )
    assert request.answer_by == datetime.date(2027, 1, 3)
    assert request.status == DataRequest.Status.ACKNOWLEDGED  # extending tells them
    with pytest.raises(ValidationError, match="một lần"):
        data_request_extend(request=request, actor=officer, reason="Lần nữa")
    request.refresh_from_db()
    assert request.answer_by == datetime.date(2027, 1, 3)


def test_officers_see_only_their_units_people(
    friday, learner, other_learner, officer, other_officer, province_admin, units
):
    mine = data_request_file(person=learner, kind="access", details="Bản sao")
    theirs = data_request_file(person=other_learner, kind="access", details="Bản sao")
    assert list(data_request_queue(officer)) == [mine]
    assert list(data_request_queue(other_officer)) == [theirs]
    with pytest.raises(PermissionDenied):
        data_request_acknowledge(request=mine, actor=other_officer)
    with pytest.raises(PermissionDenied):
        data_request_decide(request=mine, actor=learner, granted=True, reason="Tự")
    # Someone without a unit: province admins answer.
    loner = UserFactory(email="khong.don.vi@x.gov.vn", role="learner")
    lost = data_request_file(person=loner, kind="access", details="Bản sao")
    assert lost in data_request_queue(province_admin)
    assert lost not in data_request_queue(officer)
    data_request_decide(request=lost, actor=province_admin, granted=True, reason="Ok")


@pytest.fixture
def enrolled(learner, officer):
    """The learner enrolled in a course by their officer."""
    from wagtail.models import Site

    from courses.models import CourseIndexPage, Enrolment
    from tests.courses.conftest import make_course

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    return Enrolment.objects.create(learner=learner, course=make_course(index))


@pytest.mark.parametrize("kind", ["restrict", "object", "withdraw"])
def test_restriction_objection_withdrawal_hide_the_profile_but_keep_it(
    friday, learner, officer, enrolled, kind
):
    request = data_request_file(person=learner, kind=kind, details="Dừng xử lý")
    assert learner in learners_visible_to(officer)
    assert enrolled in district_enrolments(officer=officer)
    data_request_decide(
        request=request, actor=officer, granted=True, reason="Đã hạn chế"
    )
    profile = StaffProfile.objects.get(user=learner)
    assert profile.processing_restricted
    assert learner not in learners_visible_to(officer)  # reports
    assert enrolled not in district_enrolments(officer=officer)  # lists
    assert User.objects.get(pk=learner.pk).is_active  # kept
    assert StaffProfile.objects.visible_to(officer).filter(pk=profile.pk).exists()


def test_the_staff_list_leaves_a_restricted_profile_out(
    friday, learner, officer, client
):
    from tests.factories import reauthenticate

    request = data_request_file(person=learner, kind="restrict", details="Dừng")
    client.force_login(officer)
    reauthenticate(client)
    index = reverse("people_staff:index")
    assert "Nguyễn Văn An" in client.get(index).content.decode()
    data_request_decide(request=request, actor=officer, granted=True, reason="Ok")
    assert "Nguyễn Văn An" not in client.get(index).content.decode()
    edit = reverse("people_staff:edit", args=[learner.profile.pk])
    assert client.get(edit).status_code == 200  # kept, reachable


@pytest.mark.parametrize("kind", ["access", "correction"])
def test_access_and_correction_are_answered_without_changing_data(
    friday, learner, officer, kind, mailoutbox, django_capture_on_commit_callbacks
):
    request = data_request_file(person=learner, kind=kind, details="Xin xem")
    with django_capture_on_commit_callbacks(execute=True):
        data_request_decide(
            request=request, actor=officer, granted=True, reason="Đã sửa chức vụ"
        )
    request.refresh_from_db()
    assert request.status == DataRequest.Status.GRANTED
    assert request.decided_by == officer and request.decision_reason
    assert not StaffProfile.objects.get(user=learner).processing_restricted
    assert "Đã sửa chức vụ" in mailoutbox[-1].body
    assert actions(request) == [
        "people.data_request.filed",
        "people.data_request.granted",
    ]


def test_deletion_granted_anonymises_the_person(friday, learner, officer):
    request = data_request_file(person=learner, kind="delete", details="Xóa")
    data_request_decide(request=request, actor=officer, granted=True, reason="Đã xóa")
    learner.refresh_from_db()
    assert learner.anonymised_at is not None and not learner.is_active
    assert learner.profile.full_name.startswith("N.V.A.")


def test_a_refusal_changes_nothing_and_needs_a_reason(friday, learner, officer):
    request = data_request_file(person=learner, kind="delete", details="Xóa")
    with pytest.raises(ValidationError):
        data_request_decide(request=request, actor=officer, granted=False, reason="")
    request.refresh_from_db()
    assert request.is_open
    data_request_decide(
        request=request, actor=officer, granted=False, reason="Còn công tác"
    )
    learner.refresh_from_db()
    assert learner.anonymised_at is None and learner.is_active
    with pytest.raises(ValidationError):
        data_request_decide(request=request, actor=officer, granted=True, reason="x")


def test_the_queue_shows_the_deadlines_and_flags_the_overdue(
    friday, learner, officer, client
):
    client.force_login(officer)
    data_request_file(person=learner, kind="correction", details="Sai tên")
    page = client.get(reverse("people:data_requests")).content.decode()
    assert "Nguyễn Văn An" in page and "08/12/2026" in page and "19/12/2026" in page
    assert "Quá hạn" not in page
    friday.move_to(datetime.datetime(2026, 12, 9, 9, tzinfo=VN), tick=False)
    client.force_login(officer)  # the session of Friday has expired
    page = client.get(reverse("people:data_requests")).content.decode()
    assert page.count("Quá hạn") == 1  # acknowledgement late, answer not yet
    friday.move_to(datetime.datetime(2026, 12, 20, 9, tzinfo=VN), tick=False)
    client.force_login(officer)
    page = client.get(reverse("people:data_requests")).content.decode()
    assert page.count("Quá hạn") == 2


def test_learner_files_from_my_data_and_sees_the_answer(
    friday, learner, officer, client
):
    client.force_login(learner)
    response = client.post(
        reverse("people:data_request_create"), {"kind": "correction", "details": ""}
    )
    assert response.status_code == 302
    assert not DataRequest.objects.exists()
    page = client.get(reverse("people:my_data")).content.decode()
    assert "Vui lòng ghi rõ nội dung yêu cầu." in page
    client.post(
        reverse("people:data_request_create"),
        {"kind": "correction", "details": "Chức vụ mới: Chuyên viên"},
    )
    request = DataRequest.objects.get()
    assert request.person == learner and request.kind == "correction"

    officer_client = type(client)()
    officer_client.force_login(officer)
    url = reverse("people:data_request", args=[request.pk])
    assert "Chức vụ mới" in officer_client.get(url).content.decode()
    officer_client.post(url, {"action": "acknowledge"})
    officer_client.post(url, {"action": "grant", "reason": "Đã cập nhật chức vụ"})
    request.refresh_from_db()
    assert request.status == DataRequest.Status.GRANTED
    page = client.get(reverse("people:my_data")).content.decode()
    assert "Đã cập nhật chức vụ" in page and "Đã chấp nhận" in page
    assert actions(request) == [
        "people.data_request.filed",
        "people.data_request.acknowledged",
        "people.data_request.granted",
    ]


def test_another_units_officer_gets_404(friday, learner, other_officer, client):
    request = data_request_file(person=learner, kind="access", details="Bản sao")
    client.force_login(other_officer)
    url = reverse("people:data_request", args=[request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "grant", "reason": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.is_open
