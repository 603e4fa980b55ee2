import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses import services
from courses.models import CoursePage, Enrolment
from elearning.spreadsheets import safe_cell
from tests.factories import make_person, reauthenticate
from tests.spreadsheet_cells import AT_SUM, HYPERLINK, MINUS, PLUS


@pytest.fixture
def enrolments(course, learner, other_learner, officer, other_officer):
    mine = services.enrolment_create(learner=learner, course=course, actor=officer)
    theirs = services.enrolment_create(
        learner=other_learner, course=course, actor=other_officer
    )
    return mine, theirs


def test_officer_sees_only_own_district(client, officer, enrolments):
    mine, theirs = enrolments
    client.force_login(officer)
    response = client.get(reverse("courses:officer_enrolments"))
    assert [e.pk for e in response.context["page_obj"]] == [mine.pk]
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" not in html


@pytest.mark.parametrize(
    "url",
    [
        lambda mine, theirs: reverse(
            "courses:officer_learner", args=[theirs.learner_id]
        ),
        lambda mine, theirs: reverse("courses:officer_withdraw", args=[theirs.pk]),
        lambda mine, theirs: reverse("courses:officer_approve", args=[theirs.pk]),
    ],
    ids=["learner", "withdraw", "approve"],
)
def test_other_districts_records_are_404(client, officer, enrolments, url):
    client.force_login(officer)
    target = url(*enrolments)
    method = client.get if "hoc-vien" in target else client.post
    assert method(target).status_code == 404
    assert (
        Enrolment.objects.get(pk=enrolments[1].pk).status == Enrolment.Status.ENROLLED
    )


def test_learner_cannot_open_officer_pages(client, learner):
    client.force_login(learner)
    assert client.get(reverse("courses:officer_enrolments")).status_code == 403


def test_filters(client, officer, enrolments, catalogue, learner, units):
    other_course = CoursePage(title="Khác", slug="khac", code="KHAC")
    catalogue.add_child(instance=other_course)
    colleague = make_person(
        role="learner", unit=units["741"], full_name="Võ Minh Tâm", email="tam@x.vn"
    )
    services.enrolment_create(learner=colleague, course=other_course, actor=officer)
    client.force_login(officer)
    url = reverse("courses:officer_enrolments")
    by_course = client.get(url, {"course": other_course.pk}).context["page_obj"]
    assert [e.learner for e in by_course] == [colleague]
    by_status = client.get(url, {"status": "completed"}).context["page_obj"]
    assert list(by_status) == []
    by_agency = client.get(
        url, {"agency": learner.profile.agency_id, "course": enrolments[0].course_id}
    ).context["page_obj"]
    assert [e.learner for e in by_agency] == [learner]


@pytest.mark.parametrize(
    "name", [HYPERLINK, PLUS, MINUS, AT_SUM], ids=["hyperlink", "plus", "minus", "at"]
)
def test_export_xlsx_neutralises_formulas(client, officer, enrolments, learner, name):
    learner.profile.full_name = name
    learner.profile.save()
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(reverse("courses:officer_enrolments_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên"
    assert len(rows) == 2  # header + own district only
    assert rows[1][0] == "'" + name
    assert rows[1][8] == 0


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("An", "An"),
        (3, 3),
    ],
)
def test_neutralise(value, safe):
    assert safe_cell(value) == safe


def test_pending_requests_approve_and_refuse(client, officer, course, learner, units):
    course.enrolment_policy = CoursePage.EnrolmentPolicy.APPROVAL
    course.save()
    colleague = make_person(
        role="learner", unit=units["741"], full_name="Võ Minh Tâm", email="tam@x.vn"
    )
    first = services.enrolment_request(learner=learner, course=course)
    second = services.enrolment_request(learner=colleague, course=course)
    client.force_login(officer)
    page = client.get(reverse("courses:officer_requests"))
    assert {e.pk for e in page.context["requests"]} == {first.pk, second.pk}
    client.post(reverse("courses:officer_approve", args=[first.pk]))
    client.post(
        reverse("courses:officer_refuse", args=[second.pk]), {"reason": "Trùng lớp"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Enrolment.Status.ENROLLED
    assert (second.status, second.decision_reason) == (
        Enrolment.Status.REFUSED,
        "Trùng lớp",
    )


def test_enrol_staff_one_by_one_and_several(
    client, officer, course, learner, units, other_learner
):
    colleague = make_person(
        role="learner", unit=units["741"], full_name="Võ Minh Tâm", email="tam@x.vn"
    )
    client.force_login(officer)
    page = client.get(reverse("courses:officer_enrol"), {"q": "Tâm"})
    assert [p.user for p in page.context["staff"]] == [colleague]
    client.post(
        reverse("courses:officer_enrol"),
        {"course": course.pk, "learners": [learner.pk, colleague.pk]},
    )
    assert Enrolment.objects.filter(course=course).count() == 2
    # another district's learner is not a valid choice
    client.post(
        reverse("courses:officer_enrol"),
        {"course": course.pk, "learners": [other_learner.pk]},
    )
    assert not Enrolment.objects.filter(learner=other_learner).exists()


def test_enrol_form_course_choice_is_styled_and_worded(client, officer, course):
    client.force_login(officer)
    html = client.get(reverse("courses:officer_enrol")).content.decode()
    assert '<select name="course" class="form-select"' in html
    assert '<option value="" selected>— Chọn khóa học —</option>' in html


def test_enrol_message_counts_only_new_enrolments(client, officer, course, learner):
    """Enrolling someone already enrolled (by an import, say) changes nothing:
    the message must not count them as enrolled now."""
    services.enrolment_create(learner=learner, course=course, actor=officer)
    client.force_login(officer)
    response = client.post(
        reverse("courses:officer_enrol"),
        {"course": course.pk, "learners": [learner.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["1 cán bộ đã được ghi danh từ trước; không ghi danh thêm ai."]
    assert Enrolment.objects.filter(course=course).count() == 1
    colleague = make_person(
        role="learner",
        unit=learner.profile.unit,
        full_name="Võ Minh Tâm",
        email="c@x.vn",
    )
    response = client.post(
        reverse("courses:officer_enrol"),
        {"course": course.pk, "learners": [learner.pk, colleague.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Đã ghi danh 1 cán bộ vào khóa học; 1 cán bộ đã được ghi danh từ trước."
    ]


def test_officer_list_query_count_does_not_grow(client, officer, course, units):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n, start):
        for i in range(start, start + n):
            person = make_person(
                role="learner",
                unit=units["741"],
                full_name=f"Người {i}",
                email=f"n{i}@x.vn",
            )
            services.enrolment_create(learner=person, course=course, actor=officer)

    client.force_login(officer)
    url = reverse("courses:officer_enrolments")
    add(3, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(9, 3)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
