"""A learner's dashboard kept between views (courses/caching.py): read
from the cache while nothing of theirs changes, built again as soon as one
of their learning records is written, never served past the moment a rule
changes by itself."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from courses import caching, services
from courses.models import Enrolment, LessonPage
from courses.selectors import _learner_dashboard, learner_dashboard

from .conftest import studied
from .test_completion_batch import _mixed_dataset

pytestmark = pytest.mark.django_db


def _reads(user) -> tuple[list, int]:
    """The dashboard rows and how many queries building them took."""
    with CaptureQueriesContext(connection) as queries:
        rows = learner_dashboard(user=user)
    return rows, len(queries)


def _summary(rows):
    return [
        (
            row.enrolment.pk,
            row.enrolment.status,
            row.lessons_done,
            row.eligibility.complete,
            row.eligibility.reasons,
            row.eligibility.progress_percent,
        )
        for row in rows
    ]


@pytest.fixture
def dataset(learner):
    return _mixed_dataset(learner)


def test_second_view_is_read_from_the_cache(learner, dataset):
    first, queries = _reads(learner)
    assert queries > 0 and len(first) > 1
    second, queries = _reads(learner)
    assert queries == 0
    assert _summary(second) == _summary(first)
    # What was kept is what building it now gives.
    assert _summary(second) == _summary(_learner_dashboard(learner)[0])
    assert all(row.enrolment.course.title for row in second)


def _active_enrolment(learner):
    return Enrolment.objects.filter(learner=learner).active().order_by("pk").first()


def _lesson_done(learner, officer):
    enrolment = _active_enrolment(learner)
    done = set(enrolment.progress.values_list("page_id", flat=True))
    lesson = (
        LessonPage.objects.live()
        .descendant_of(enrolment.course)
        .exclude(pk__in=done)
        .first()
    )
    studied(learner, lesson)
    services.lesson_complete(learner=learner, lesson=lesson)


def _withdrawn(learner, officer):
    services.enrolment_withdraw(enrolment=_active_enrolment(learner), actor=officer)


def _quiz_started(learner, officer):
    from quizzes.selectors import counting_quizzes
    from quizzes.services import attempt_start

    courses = [e.course for e in Enrolment.objects.filter(learner=learner).active()]
    quiz = next(q for qs in counting_quizzes(courses).values() for q in qs)
    attempt_start(learner=learner, quiz=quiz)


def _h5p_result(learner, officer):
    from courses.h5p.models import H5PAttempt, H5PContentVersion

    H5PAttempt.objects.create(
        learner=learner,
        version=H5PContentVersion.objects.first(),
        number=99,
        finished_at=timezone.now(),
        scaled_score=Decimal("90"),
    )


@pytest.mark.parametrize(
    "write", [_lesson_done, _withdrawn, _quiz_started, _h5p_result]
)
def test_a_record_written_is_seen_at_once(
    learner, other_learner, officer, dataset, write
):
    learner_dashboard(user=learner)
    learner_dashboard(user=other_learner)
    assert _reads(learner)[1] == 0

    write(learner, officer)

    rows, queries = _reads(learner)
    assert queries > 0, "the dashboard is built again"
    assert _summary(rows) == _summary(_learner_dashboard(learner)[0])
    # Another learner's dashboard is untouched.
    assert _reads(other_learner)[1] == 0


def test_a_lesson_done_shows_on_the_next_view(learner, dataset):
    before = {r.enrolment.pk: r.lessons_done for r in learner_dashboard(user=learner)}
    _lesson_done(learner, None)
    after = {r.enrolment.pk: r.lessons_done for r in learner_dashboard(user=learner)}
    assert sum(after.values()) == sum(before.values()) + 1


def test_a_page_published_is_seen_at_once(learner, dataset):
    rows = learner_dashboard(user=learner)
    course = rows[0].enrolment.course.specific
    course.title = "Tên mới của khóa học"
    course.save_revision().publish()
    titles = [r.enrolment.course.title for r in learner_dashboard(user=learner)]
    assert "Tên mới của khóa học" in titles


def test_each_language_has_its_own_copy(learner, dataset):
    learner_dashboard(user=learner)
    with translation.override("en"):
        assert _reads(learner)[1] > 0
        assert _reads(learner)[1] == 0
    assert _reads(learner)[1] == 0


def test_kept_no_longer_than_a_rule_says(learner, cache_timeouts):
    timeouts = cache_timeouts("courses:probe:")
    soon = timezone.now() + datetime.timedelta(seconds=90)
    calls = []

    def load(changes_at):
        def inner():
            calls.append(changes_at)
            return ["rows"], changes_at

        return inner

    caching.cached_for_learner("probe", learner_id=learner.pk, load=load(soon))
    assert 85 <= timeouts[-1] <= 90
    caching.cached_for_learner("probe", learner_id=learner.pk + 1, load=load(None))
    assert timeouts[-1] == 600
    # Already past: not kept at all.
    past = timezone.now() - datetime.timedelta(seconds=1)
    for _ in range(2):
        caching.cached_for_learner("probe", learner_id=learner.pk + 2, load=load(past))
    assert calls.count(past) == 2


def test_without_the_cache_every_view_is_built(learner, dataset, monkeypatch):
    from elearning import pagecache

    monkeypatch.setattr(pagecache, "generation", lambda: 0)
    learner_dashboard(user=learner)
    assert _reads(learner)[1] > 0


def _page(client):
    """The "my courses" page's main part, the queries it took (the session's
    aside: the test client's session is not the point here) and whether its
    rows were rendered."""
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("courses:my_courses"))
    assert response.status_code == 200
    html = response.content.decode()
    reads = [q for q in queries.captured_queries if "django_session" not in q["sql"]]
    rendered = "pages/course_dashboard_rows.html" in [
        t.name for t in response.templates
    ]
    return html[html.index("<main") : html.index("</main>")], len(reads), rendered


@pytest.mark.parametrize("write", [_lesson_done, _withdrawn, _h5p_result])
def test_the_page_keeps_its_rows_rendered_until_a_record_changes(
    client, learner, officer, dataset, write
):
    from django.template.loader import render_to_string

    client.force_login(learner)
    first, _, rendered = _page(client)
    assert rendered
    second, queries, rendered = _page(client)
    assert queries == 0
    assert not rendered, "the rows are read back, not rendered"
    assert second == first

    write(learner, officer)
    third, queries, rendered = _page(client)
    assert queries > 0 and rendered, "the rows are rendered again"
    assert third != first
    # What the page shows is the rows as they are now.
    rows = render_to_string(
        "pages/course_dashboard_rows.html", {"rows": _learner_dashboard(learner)[0]}
    )
    normalise = " ".join
    assert normalise(rows.split()) in normalise(third.split())


def test_the_pages_rows_follow_the_language(client, learner, dataset):
    client.force_login(learner)
    vietnamese, _, _ = _page(client)
    client.cookies["django_language"] = "en"
    english, _, _ = _page(client)
    assert "Bước tiếp theo" in vietnamese and "Bước tiếp theo" not in english
