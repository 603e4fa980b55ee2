"""The page cache (elearning/pagecache.py): routes and page reads are kept
until the page tree changes, and every change is seen on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses import services
from courses.models import LessonPage
from elearning import internals, pagecache

from .conftest import make_course, make_lessons

pytestmark = pytest.mark.django_db


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    tree = [
        q["sql"]
        for q in queries.captured_queries
        if '"wagtailcore_page"' in q["sql"] or '"wagtailcore_site"' in q["sql"]
    ]
    return response, tree


def test_second_visit_routes_without_reading_the_tree(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    first, tree_first = _page_queries(client, lessons[0].url)
    second, tree_second = _page_queries(client, lessons[0].url)
    assert first.status_code == second.status_code == 200
    assert tree_first, "the first visit routes through the tree"
    assert tree_second == []
    assert second.context["page"].pk == first.context["page"].pk == lessons[0].pk
    assert second.context["access"].course.pk == course.pk


def test_published_change_is_seen_on_the_next_request(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    assert "Bài 1" in client.get(course.url).content.decode()

    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.title = "Nhận diện thư lừa đảo"
    lesson.save_revision().publish()

    page = client.get(course.url).content.decode()
    assert "Nhận diện thư lừa đảo" in page
    assert client.get(lesson.url).context["page"].title == "Nhận diện thư lừa đảo"


def test_draft_edits_stay_unseen(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    client.get(lessons[0].url)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.title = "Bản nháp"
    lesson.save_revision()  # not published
    assert client.get(lessons[0].url).context["page"].title == "Bài 1"


def test_new_unpublished_and_deleted_lessons(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    assert len(client.get(course.url).context["lessons"]) == 3

    (added,) = make_lessons(course, 1, start=4)
    assert [r["page"].pk for r in client.get(course.url).context["lessons"]][
        -1
    ] == added.pk

    url = lessons[1].url
    assert client.get(url).status_code == 200
    LessonPage.objects.get(pk=lessons[1].pk).unpublish()
    assert client.get(url).status_code == 404
    assert len(client.get(course.url).context["lessons"]) == 3

    LessonPage.objects.get(pk=added.pk).delete()
    assert len(client.get(course.url).context["lessons"]) == 2
    assert client.get("/khoa-hoc/attt-01/bai-4/").status_code == 404


def test_moved_course_answers_at_its_new_address(client, catalogue, learner):
    course = make_course(catalogue, code="MOVE-1", title="Khóa chuyển")
    make_lessons(course, 1)
    client.force_login(learner)
    old = course.url
    assert client.get(old).status_code == 200
    other = make_course(catalogue, code="PARENT-1", title="Khóa cha")
    course.move(other, pos="last-child")
    course.refresh_from_db()
    # Not the cached page at the old address: Wagtail's redirect to the new.
    moved = client.get(old)
    assert moved.status_code == 301 and moved["Location"] == course.url
    assert client.get(course.url).status_code == 200


def test_view_restriction_added_later_is_enforced(client, course, lessons, learner):
    client.force_login(learner)
    assert client.get(course.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Chỉ nhóm này"))
    assert client.get(course.url).status_code != 200
    restriction.delete()
    assert client.get(course.url).status_code == 200


def test_memo_many_computes_only_what_is_missing():
    asked = []

    def compute(ids):
        asked.append(sorted(ids))
        return {pk: pk * 10 for pk in ids}

    assert pagecache.memo_many("test:x", [1, 2], compute) == {1: 10, 2: 20}
    assert pagecache.memo_many("test:x", [2, 3, 3], compute) == {2: 20, 3: 30}
    assert asked == [[1, 2], [3]]
    pagecache.bump()
    assert pagecache.memo_many("test:x", [1], compute) == {1: 10}
    assert asked[-1] == [1]


def test_memo_keeps_none_and_forgets_on_bump():
    calls = []

    def compute():
        calls.append(1)
        return None

    assert pagecache.memo("test:none", compute) is None
    assert pagecache.memo("test:none", compute) is None
    assert len(calls) == 1
    pagecache.bump()
    pagecache.memo("test:none", compute)
    assert len(calls) == 2


def test_lesson_body_is_rendered_anew_after_publishing(
    client, course, lessons, learner
):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    url = lessons[0].url
    assert "Nội dung bài 1." in client.get(url).content.decode()
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.body = [("paragraph", "<p>Không mở tệp đính kèm lạ.</p>")]
    lesson.save_revision().publish()
    html = client.get(url).content.decode()
    assert "Không mở tệp đính kèm lạ." in html and "Nội dung bài 1." not in html


def test_preview_of_a_draft_is_never_cached(client, course, lessons, learner, trainer):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    url = lessons[0].url
    client.get(url)  # the live body, cached
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.body = [("paragraph", "<p>Bản nháp chưa duyệt.</p>")]
    lesson.save_revision(user=trainer)
    draft = lesson.get_latest_revision_as_object()
    preview = draft.make_preview_request()
    assert "Bản nháp chưa duyệt." in preview.content.decode()
    live = client.get(url).content.decode()
    assert "Nội dung bài 1." in live and "Bản nháp chưa duyệt." not in live
    # and the next preview shows the newer draft, not a cached one
    lesson.body = [("paragraph", "<p>Bản nháp thứ hai.</p>")]
    lesson.save_revision(user=trainer)
    again = lesson.get_latest_revision_as_object().make_preview_request()
    assert "Bản nháp thứ hai." in again.content.decode()


def test_entries_read_once_are_served_from_process_memory(course, lessons):
    from unittest import mock

    pagecache.memo("test:answer", lambda: {"n": 42})
    with mock.patch.object(pagecache.cache, "get", wraps=pagecache.cache.get) as get:
        first = pagecache.memo("test:answer", lambda: pytest.fail("computed again"))
        second = pagecache.memo("test:answer", lambda: pytest.fail("computed again"))
    assert first == second == {"n": 42}
    assert first is not second  # every read gets its own copy
    # Only the generation is asked of the shared cache.
    assert [c.args[0] for c in get.call_args_list] == [pagecache.GENERATION_KEY] * 2


def test_process_memory_follows_the_generation(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    assert client.get(lessons[0].url).context["page"].title == "Bài 1"
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.title = "Mật khẩu mạnh"
    lesson.save_revision().publish()
    assert client.get(lessons[0].url).context["page"].title == "Mật khẩu mạnh"


def test_nothing_is_kept_in_memory_without_a_generation():
    """Generation 0 is what an unreachable cache gives; it may come back
    after pages changed, so the process keeps nothing under it."""
    from unittest import mock

    with mock.patch.object(pagecache, "generation", return_value=0):
        assert pagecache.memo("test:outage", lambda: 1) == 1
    assert pagecache.local.get("pages:0:test:outage") is pagecache._MISSING
    pagecache.memo("test:kept", lambda: 1)
    assert pagecache.local.size > 0


def test_process_memory_is_bounded():
    entries = pagecache._LocalEntries(limit=4000)
    for i in range(50):
        entries.put(f"k{i}", "x" * 200)
    assert entries.size <= 4000
    assert entries.get("k49") == "x" * 200
    assert entries.get("k0") is pagecache._MISSING
    entries.put("big", "y" * 1000)  # more than an eighth of the limit
    assert entries.get("big") is pagecache._MISSING


def test_site_root_paths_come_from_the_page_cache(client, course, lessons, learner):
    from unittest import mock

    from wagtail.models import Site
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY

    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    client.get(course.url)
    client.get("/khoa-hoc-cua-toi/")
    with mock.patch.object(pagecache.cache, "get", wraps=pagecache.cache.get) as get:
        page = client.get(course.url)
        dashboard = client.get("/khoa-hoc-cua-toi/")
    asked = [c.args[0] for c in get.call_args_list]
    assert not [key for key in asked if SITE_ROOT_PATHS_CACHE_KEY in str(key)]
    assert lessons[0].url in page.content.decode()
    assert course.url in dashboard.content.decode()

    # A new host name for the site is seen on the next page.
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "daotao.example.gov.vn", 443
    site.save()
    response = client.get("/khoa-hoc-cua-toi/")
    paths = response.wsgi_request._wagtail_cached_site_root_paths
    assert [p.root_url for p in paths] == ["https://daotao.example.gov.vn"]


def test_pages_outside_the_tree_read_the_site_once_per_host(
    client, course, lessons, learner, django_assert_num_queries
):
    """The dashboard links to course pages, so it needs the request's site:
    read through Wagtail's own lookup once, then from the page cache (no
    query), and a changed site is read again on the next request."""
    from wagtail.models import Site

    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)

    def site_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/khoa-hoc-cua-toi/")
        assert course.url in response.content.decode()
        return (
            response,
            len(queries),
            # Wagtail's lookup of the request's host (the sites' root paths
            # are another read of the same table, kept the same way).
            [
                q["sql"]
                for q in queries
                if '"wagtailcore_site"' in q["sql"] and "'testserver'" in q["sql"]
            ],
        )

    first, _, read = site_queries()
    assert len(read) == 1
    site = Site.objects.get(is_default_site=True)
    assert internals.request_site(first.wsgi_request) == site
    second, count, read = site_queries()
    assert read == []
    assert internals.request_site(second.wsgi_request).pk == site.pk
    pagecache.local.clear()  # from the shared cache, not this process's copy
    with django_assert_num_queries(count):
        client.get("/khoa-hoc-cua-toi/")

    site.site_name = "Hệ thống học trực tuyến"
    site.save()
    third, _, read = site_queries()
    assert len(read) == 1
    assert internals.request_site(third.wsgi_request).site_name == (
        "Hệ thống học trực tuyến"
    )


def test_cached_lesson_body_is_not_escaped(client, course, lessons, learner):
    services.enrolment_create(learner=learner, course=course, actor=learner)
    client.force_login(learner)
    first = client.get(lessons[0].url).content.decode()
    pagecache.local.clear()  # the second view reads the shared cache
    second = client.get(lessons[0].url).content.decode()
    third = client.get(lessons[0].url).content.decode()  # process memory
    for html in (first, second, third):
        assert "<p>Nội dung bài 1.</p>" in html
