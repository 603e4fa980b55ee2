"""The learner's enrolment kept between page views (courses/caching.py):
every way an enrolment or its progress changes is seen on the next page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.imports import import_file
from courses.models import Enrolment, LessonProgress

from .conftest import make_course, studied

pytestmark = pytest.mark.django_db


def _enrolment_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = [
        q["sql"] for q in queries.captured_queries if "courses_enrolment" in q["sql"]
    ]
    return response, reads


def test_second_view_reads_no_enrolment(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    first, reads_first = _enrolment_queries(client, course.url)
    second, reads_second = _enrolment_queries(client, lessons[0].url)
    assert first.status_code == second.status_code == 200
    assert reads_first, "the first view reads the enrolment"
    assert not any(
        'FROM "courses_enrolment"' in sql and "learner_id" in sql
        for sql in reads_second
        if "LIMIT 1" in sql
    )
    assert second.context["access"].enrolment.pk == first.context["enrolment"].pk


def test_enrolling_is_seen_at_once(client, course, lessons, learner):
    client.force_login(learner)
    assert client.get(course.url).context["enrolment"] is None
    assert client.get(lessons[0].url).status_code == 302  # not enrolled yet

    services.enrolment_create(learner=learner, course=course, actor=learner)
    assert client.get(course.url).context["can_study"] is True
    assert client.get(lessons[0].url).status_code == 200


def test_lesson_done_and_withdrawal_are_seen_at_once(
    client, course, lessons, learner, officer
):
    enrolment = services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    rows = client.get(course.url).context["lessons"]
    assert [r["done"] for r in rows] == [False, False, False]

    studied(learner, lessons[0])
    services.lesson_complete(learner=learner, lesson=lessons[0])
    rows = client.get(course.url).context["lessons"]
    assert [r["done"] for r in rows] == [True, False, False]
    assert client.get(lessons[1].url).context["access"].done_ids == {lessons[0].pk}

    LessonProgress.objects.filter(enrolment=enrolment).delete()
    rows = client.get(course.url).context["lessons"]
    assert [r["done"] for r in rows] == [False, False, False]

    services.enrolment_withdraw(enrolment=enrolment, actor=officer, reason="Nghỉ phép")
    assert client.get(course.url).context["can_study"] is False
    assert client.get(lessons[0].url).status_code == 302


@pytest.mark.usefixtures("before_the_reform")  # the file names Xuân Lộc (741)
def test_bulk_import_enrolment_is_seen_at_once(client, course, lessons, learner, units):
    client.force_login(learner)
    assert client.get(course.url).context["enrolment"] is None

    row = "Nguyễn Văn An,an.nv@xuanloc.example.gov.vn,01/02/1985,Chuyên viên,UBND xã Xuân Hiệp,741,cong_chuc\n"
    data = ("ho_ten,email,ngay_sinh,chuc_vu,co_quan,ma_dvhc,doi_tuong\n" + row).encode()
    plan, result = import_file(
        data,
        filename="ds.csv",
        scope=units["741"],
        actor=None,
        course=course,
        dry_run=False,
    )
    assert plan.ok, plan.errors
    assert result.enrolments_created == 1
    assert client.get(course.url).context["can_study"] is True


def test_deleted_enrolment_is_forgotten(client, course, lessons, learner):
    enrolment = services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    assert client.get(course.url).context["enrolment"].pk == enrolment.pk
    Enrolment.objects.filter(pk=enrolment.pk).delete()  # progress goes with it
    assert client.get(course.url).context["enrolment"] is None


def test_state_read_during_the_change_is_dropped_on_commit(
    client, course, lessons, learner, django_capture_on_commit_callbacks
):
    """Forgotten again on commit: a page read during the transaction (the old
    state) cannot stay cached once the change lands."""
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_create(
            learner=learner, course=course, actor=learner
        )
        # A reader caches the state while the change is in flight...
        from django.core.cache import cache

        from courses.caching import statuses_key

        cache.set(statuses_key(learner.pk), {})
    # ...and the commit drops it.
    assert client.get(course.url).context["enrolment"].pk == enrolment.pk


def test_courses_not_enrolled_in_need_no_query(client, course, lessons, learner):
    """The learner's enrolled course ids are read once: the page of another
    course they are not enrolled in reads no enrolment, the first time too."""
    other = make_course(course.get_parent(), code="ATTT-02", title="Khóa khác")
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    response, reads = _enrolment_queries(client, course.url)
    assert response.context["enrolment"] is not None
    assert reads, "the first view reads the learner's enrolments"

    response, reads = _enrolment_queries(client, other.url)
    assert response.status_code == 200
    assert response.context["enrolment"] is None
    assert reads == []

    services.enrolment_create(learner=learner, course=other, actor=learner)
    response, reads = _enrolment_queries(client, other.url)
    assert response.context["can_study"] is True
