import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Workflow

from courses.authoring import course_authoring_setup
from courses.models import CoursePage, Enrolment, LessonPage
from tests.factories import make_person, make_ready

from .conftest import make_course


@pytest.fixture
def authoring(catalogue, trainer, units):
    course_authoring_setup(index=catalogue)
    other_trainer = make_person(
        role="trainer", unit=units["75"], full_name="Đỗ Văn Khoa", email="khoa@x.vn"
    )
    mine = make_course(catalogue, code="MINE", title="Của tôi", owner=trainer)
    theirs = make_course(
        catalogue, code="THEIRS", title="Của người khác", owner=other_trainer
    )
    return mine, theirs


def test_setup_is_idempotent_and_attaches_workflow(catalogue, trainer):
    first = course_authoring_setup(index=catalogue)
    second = course_authoring_setup(index=catalogue)
    assert first.pk == second.pk
    assert Workflow.objects.filter(name="Duyệt khóa học").count() == 1
    assert catalogue.get_workflow() == first
    task = first.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["admin"]


def test_trainer_edits_only_own_courses(authoring, trainer):
    mine, theirs = authoring
    assert mine.permissions_for_user(trainer).can_edit()
    assert not theirs.permissions_for_user(trainer).can_edit()
    assert not mine.permissions_for_user(trainer).can_publish()


def test_trainer_adds_lessons_only_under_own_course(client, authoring, trainer):
    mine, theirs = authoring
    client.force_login(trainer)
    add = "wagtailadmin_pages:add"
    ok = client.get(reverse(add, args=["courses", "lessonpage", mine.pk]))
    assert ok.status_code == 200
    refused = client.get(reverse(add, args=["courses", "lessonpage", theirs.pk]))
    assert refused.status_code in (302, 403)
    assert not LessonPage.objects.child_of(theirs).exists()


def test_province_admin_can_publish(authoring, province_admin):
    mine, _ = authoring
    assert mine.permissions_for_user(province_admin).can_publish()


def test_seed_demo_is_idempotent(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    course = CoursePage.objects.get(code="ATTT-CB-2026")
    assert (
        course.title == "Kỹ năng cơ bản bảo đảm an toàn thông tin cho cán bộ, công chức"
    )
    lessons = LessonPage.objects.child_of(course)
    assert lessons.count() == 8
    for lesson in lessons:
        types = [block.block_type for block in lesson.body]
        assert types.count("paragraph") >= 1 and "callout" in types
        text = " ".join(
            str(b.value) for b in lesson.body if b.block_type == "paragraph"
        )
        assert text.count("<p>") >= 3
    assert Enrolment.objects.filter(course=course).count() >= 2
    # The course of today and the 2024 one kept as history, once each.
    assert sorted(CoursePage.objects.values_list("code", flat=True)) == [
        "ATTT-CB-2024",
        "ATTT-CB-2026",
    ]
    text = " ".join(str(b.value) for lesson in lessons for b in lesson.body)
    assert "Luật An ninh mạng năm 2025" in text and "91/2025/QH15" in text
    assert "356/2025/NĐ-CP" in text and "Sở Khoa học và Công nghệ" in text
    assert "0 lessons created, 0 learners enrolled" in out.getvalue()
    # Its final quiz says passing it completes the course: so it does.
    course.refresh_from_db()
    assert course.require_quizzes
    assert not course.has_unpublished_changes


@pytest.mark.parametrize("model", ["coursepage", "lessonpage"])
def test_admin_forms_render(client, authoring, model):
    from elearning.people.models import User

    admin = make_ready(
        User.objects.create_superuser(email="root@x.vn", password="x" * 12)
    )
    client.force_login(admin)
    mine, _ = authoring
    parent = mine.get_parent() if model == "coursepage" else mine
    response = client.get(
        reverse("wagtailadmin_pages:add", args=["courses", model, parent.pk])
    )
    assert response.status_code == 200
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk]))
    assert edit.status_code == 200
    assert "Điều kiện hoàn thành" in edit.content.decode()


def test_lesson_preview_renders_in_admin(client, authoring):
    from elearning.people.models import User

    admin = make_ready(
        User.objects.create_superuser(email="root@x.vn", password="x" * 12)
    )
    client.force_login(admin)
    mine, _ = authoring
    lesson = LessonPage(title="Xem trước", slug="xem-truoc", body=[])
    mine.add_child(instance=lesson)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert response.status_code == 200
    assert "Xem trước" in response.content.decode()


def test_a_course_copied_in_the_admin_gets_a_code_of_its_own(
    client, authoring, catalogue, province_admin
):
    from courses.models import COPY_CODE_PREFIX

    mine, _ = authoring
    client.force_login(province_admin)
    url = reverse("wagtailadmin_pages:copy", args=[mine.pk])
    codes = set()
    for n in (1, 2):  # twice: two copies must not clash with each other either
        response = client.post(
            url,
            {
                "new_title": f"Bản sao {n}",
                "new_slug": f"ban-sao-{n}",
                "new_parent_page": catalogue.pk,
                "copy_subpages": "on",
            },
        )
        assert response.status_code == 302, response.content[:500]
        copy = CoursePage.objects.get(slug=f"ban-sao-{n}")
        assert copy.code.startswith(COPY_CODE_PREFIX)
        # The edit form shows it, for the author to replace with a real code.
        draft = copy.get_latest_revision_as_object()
        assert draft.code == copy.code
        assert LessonPage.objects.child_of(copy).count() == (
            LessonPage.objects.child_of(mine).count()
        )
        codes.add(copy.code)
    assert len(codes) == 2
    mine.refresh_from_db()
    assert mine.code == "MINE"
