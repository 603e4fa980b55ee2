"""H5P fixtures.

Page tree used here::

    the default site's root page
    └── Khóa học (CourseIndexPage)
        └── An toàn thông tin cơ bản (CoursePage, code ATTT-CB)
            └── Bài 1: Mật khẩu (LessonPage, body: one H5P block)
"""

from __future__ import annotations

import pytest

from courses.h5p.models import H5PLibrary
from courses.h5p.services import attempt_start
from courses.h5p.tokens import token_make

from .helpers import import_bytes, true_false_package

CONTENT_HOST = "localhost:8000"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; start every test afresh."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def h5p_version(db):
    """An approved true/false exercise (max score 2)."""
    result = import_bytes(true_false_package(), approve_libraries=True)
    assert result.version.main_library.status == H5PLibrary.Status.APPROVED
    return result.version


@pytest.fixture
def course_tree(db, h5p_version):
    from wagtail.models import Site

    from courses.models import CourseIndexPage, CoursePage, LessonPage

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(
        instance=CoursePage(
            title="An toàn thông tin cơ bản", slug="attt", code="ATTT-CB"
        )
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="Bài 1: Mật khẩu",
            slug="bai-1",
            body=[("h5p", h5p_version.content)],
        )
    )
    return {"index": index, "course": course, "lesson": lesson}


@pytest.fixture
def attempt(learner, h5p_version):
    return attempt_start(learner=learner, version=h5p_version)


@pytest.fixture
def token(attempt):
    return token_make(attempt=attempt)


@pytest.fixture
def content_client(client):
    """A client speaking to the content origin's host."""
    client.defaults["HTTP_HOST"] = CONTENT_HOST
    return client
