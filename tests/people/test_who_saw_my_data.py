"""Who saw my data: lists and exports log each person they contained, in
bulk; the person sees who viewed or exported their data, when and why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elearning.people.models import AccessLog
from elearning.people.services import access_log_record_many
from tests.factories import reauthenticate

pytestmark = pytest.mark.django_db


def _inserts(queries) -> int:
    return sum(
        1 for q in queries if q["sql"].lstrip().upper().startswith("INSERT INTO")
    )


@pytest.mark.parametrize(("people", "inserts"), [(500, 1), (501, 2)])
def test_five_hundred_people_are_logged_in_one_query(officer, people, inserts):
    from django.contrib.auth.hashers import make_password

    from elearning.people.models import User

    unusable = make_password(None)
    User.objects.bulk_create(
        User(email=f"nguoi{i}@x.gov.vn", password=unusable) for i in range(people)
    )
    ids = list(User.objects.exclude(pk=officer.pk).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        written = access_log_record_many(
            actor=officer,
            action=AccessLog.Action.EXPORT,
            what="Danh sách ghi danh (XLSX)",
            subject_user_ids=ids,
        )
    assert written == len(ids) == people
    assert _inserts(queries.captured_queries) == inserts
    lines = AccessLog.objects.filter(actor=officer, action="export")
    assert sorted(lines.values_list("subject_user_id", flat=True)) == sorted(ids)
    assert set(lines.values_list("what", flat=True)) == {"Danh sách ghi danh (XLSX)"}
    # An id nobody has is not logged.
    assert (
        access_log_record_many(
            actor=officer, action="view", what="x", subject_user_ids=[10**9]
        )
        == 0
    )


@pytest.fixture
def enrolled(learner, other_learner):
    from wagtail.models import Site

    from courses.models import CourseIndexPage, Enrolment
    from tests.courses.conftest import make_course

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = make_course(index)
    for person in (learner, other_learner):
        Enrolment.objects.create(learner=person, course=course)
    return course


def test_an_export_and_a_list_log_each_person_and_they_see_it(
    client, enrolled, learner, other_learner, officer
):
    client.force_login(officer)
    reauthenticate(client)
    response = client.get(reverse("courses:officer_enrolments_export"))
    assert response.status_code == 200
    assert client.get(reverse("courses:officer_enrolments")).status_code == 200
    lines = AccessLog.objects.filter(actor=officer, subject_user_id=learner.pk)
    assert sorted(lines.values_list("action", flat=True)) == ["export", "view"]
    # Biên Hòa's learner was in neither.
    assert not AccessLog.objects.filter(
        actor=officer, subject_user_id=other_learner.pk
    ).exists()

    learner_client = type(client)()
    learner_client.force_login(learner)
    page = learner_client.get(reverse("people:my_data")).content.decode()
    section = page[page.index('id="ai-da-xem"') : page.index('id="yeu-cau"')]
    assert "Lê Hoàng Đức" in section  # the officer, by name
    assert "Danh sách ghi danh (XLSX)" in section  # why
    assert "Danh sách ghi danh của đơn vị" in section
    assert section.count('class="viewer"') == 2

    other = type(client)()
    other.force_login(other_learner)
    page = other.get(reverse("people:my_data")).content.decode()
    assert "Chưa có ai khác xem hoặc xuất dữ liệu của bạn." in page


def test_own_downloads_are_not_listed_as_someone_else(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    client.get(reverse("people:my_data_download"))
    page = client.get(reverse("people:my_data")).content.decode()
    assert "Chưa có ai khác xem hoặc xuất dữ liệu của bạn." in page
