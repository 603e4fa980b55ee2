"""Course, lesson and dashboard pages: behaviour and pinned query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Enrolment, LessonPage, LessonProgress

from .conftest import make_course, make_lessons, studied


def count_queries(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_course_page_shows_done_marks_and_next_lesson(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    studied(learner, lessons[0])
    services.lesson_complete(learner=learner, lesson=lessons[0])
    client.force_login(learner)
    response = client.get(course.url)
    rows = response.context["lessons"]
    assert [r["done"] for r in rows] == [True, False, False]
    assert response.context["next_lesson"].pk == lessons[1].pk
    assert "Còn 2/3 bài học chưa hoàn thành." in response.content.decode()


def test_course_and_lesson_query_counts_do_not_grow(client, catalogue, learner):
    small = make_course(catalogue, code="S-1", title="Nhỏ")
    make_lessons(small, 3)
    large = make_course(catalogue, code="L-1", title="Lớn")
    make_lessons(large, 12)
    for course in (small, large):
        services.enrolment_create(learner=learner, course=course, actor=learner)
        for lesson in LessonPage.objects.child_of(course)[:2]:
            studied(learner, lesson)
            services.lesson_complete(learner=learner, lesson=lesson)
    client.force_login(learner)
    n_small, _ = count_queries(client, small.url)
    n_large, _ = count_queries(client, large.url)
    assert n_small == n_large <= 19
    lesson_small = LessonPage.objects.child_of(small).last()
    lesson_large = LessonPage.objects.child_of(large).last()
    n_small, _ = count_queries(client, lesson_small.url)
    n_large, _ = count_queries(client, lesson_large.url)
    assert n_small == n_large <= 22


def test_dashboard_query_count_does_not_grow(client, catalogue, learner):
    def enrol(n, start):
        for i in range(start, start + n):
            course = make_course(catalogue, code=f"D-{i}", title=f"Khóa {i}")
            make_lessons(course, 2)
            services.enrolment_create(learner=learner, course=course, actor=learner)
            first = LessonPage.objects.child_of(course).first()
            studied(learner, first)
            services.lesson_complete(learner=learner, lesson=first)

    client.force_login(learner)
    url = reverse("courses:my_courses")
    enrol(3, 0)
    n_small, response = count_queries(client, url)
    assert response.content.decode().count('<section class="card mb-3"') == 3
    enrol(9, 3)
    n_large, response = count_queries(client, url)
    assert response.content.decode().count('<section class="card mb-3"') == 12
    assert n_small == n_large <= 15


def test_dashboard_shows_progress_next_step_and_reasons(
    client, course, lessons, learner
):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    studied(learner, lessons[0])
    services.lesson_complete(learner=learner, lesson=lessons[0])
    client.force_login(learner)
    response = client.get(reverse("courses:my_courses"))
    row = response.context["rows"][0]
    assert (row.lessons_done, row.lessons_total) == (1, 3)
    assert row.next_lesson.pk == lessons[1].pk
    html = response.content.decode()
    assert 'aria-valuenow="33"' in html
    assert "Còn 2/3 bài học chưa hoàn thành." in html


def test_dashboard_lists_each_reason_on_its_own(client, course, lessons, learner):
    """Reasons come from several checks, some without a full stop ("Còn thiếu
    3 buổi"): run together they read as one garbled sentence."""
    course.min_attendance_percent = 80  # and the learner is in no class
    course.save()
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    html = client.get(reverse("courses:my_courses")).content.decode()
    assert "<li>Còn 3/3 bài học chưa hoàn thành.</li>" in html
    assert "<li>Chưa có tên trong lớp tập huấn nào của khóa học.</li>" in html


def test_dashboard_links_to_the_catalogue(client, catalogue, learner):
    """The catalogue is a page of the tree, in no menu: a learner with no
    course yet (or looking for another) finds it from "Khóa học của tôi"."""
    client.force_login(learner)
    html = client.get(reverse("courses:my_courses")).content.decode()
    assert "Bạn chưa ghi danh khóa học nào." in html
    assert f'<a href="{catalogue.url}">Danh mục khóa học</a>' in html


def test_mark_done_by_post_and_json(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    studied(learner, lessons[0], lessons[1])
    client.force_login(learner)
    url = reverse("courses:lesson_done", args=[lessons[0].pk])
    response = client.post(url, {"next": lessons[1].url})
    assert response.status_code == 302 and response.url == lessons[1].url
    data = client.post(
        reverse("courses:lesson_done", args=[lessons[1].pk]),
        headers={"accept": "application/json"},
    ).json()
    assert data == {"ok": True, "done": 2, "total": 3, "percent": 67}
    assert LessonProgress.objects.count() == 2


def test_lesson_page_needs_enrolment_and_order(client, course, lessons, learner):
    client.force_login(learner)
    assert client.get(lessons[0].url).status_code == 302
    course.sequential = True
    course.save()
    services.enrolment_create(learner=learner, course=course, actor=learner)
    assert client.get(lessons[0].url).status_code == 200
    response = client.get(lessons[1].url)
    assert response.status_code == 302 and response.url == course.url
    studied(learner, lessons[0])
    services.lesson_complete(learner=learner, lesson=lessons[0])
    response = client.get(lessons[1].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert lessons[0].url in html and lessons[2].url in html  # previous / next


def test_learner_enrols_in_open_course_by_post(client, course, learner):
    client.force_login(learner)
    client.post(reverse("courses:enrol", args=[course.pk]))
    assert Enrolment.objects.get(learner=learner).status == Enrolment.Status.ENROLLED


@pytest.mark.parametrize("block", ["video", "document", "knowledge_check"])
def test_blocks_render(client, course, learner, block):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    doc = Document(title="Quy chế")
    doc.file.save("quy-che.pdf", ContentFile(b"%PDF-1.4"), save=True)
    values = {
        "video": {"file": doc, "embed": None, "caption": "Phụ đề"},
        "document": {"document": doc, "title": "Tải quy chế"},
        "knowledge_check": {
            "question": "Câu hỏi?",
            "choices": [
                {"text": "Sai", "correct": False, "feedback": "Chưa đúng lắm"},
                {"text": "Đúng", "correct": True, "feedback": "Hay"},
            ],
        },
    }
    lesson = LessonPage(title="Khối", slug="khoi", body=[(block, values[block])])
    course.add_child(instance=lesson)
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    expected = {
        "video": "<video",
        "document": "Tải quy chế",
        "knowledge_check": 'data-correct="1"',
    }
    assert expected[block] in html


def test_two_knowledge_checks_have_distinct_inputs(client, course, learner):
    import re

    check = {
        "question": "Câu?",
        "choices": [
            {"text": "A", "correct": True, "feedback": ""},
            {"text": "B", "correct": False, "feedback": ""},
        ],
    }
    lesson = LessonPage(
        title="Hai câu",
        slug="hai-cau",
        body=[("knowledge_check", check), ("knowledge_check", check)],
    )
    course.add_child(instance=lesson)
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    ids = re.findall(r'<input[^>]* id="(kc-[^"]+)"', html)
    assert len(ids) == 4 and len(set(ids)) == 4
    assert len(set(re.findall(r'name="(kc-[^"]+)"', html))) == 2
