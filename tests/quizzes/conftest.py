"""Quiz fixtures.

Page tree::

    Root
    └── the default site's home page
      └── CourseIndexPage "Khóa học"
        └── CoursePage "ATTT cơ bản" (code ATTT-TEST, completion rules:
            every lesson done and every counting quiz passed)
            └── QuizPage "Bài kiểm tra cuối khóa" (10 random questions
                from "ATTT cơ bản", pass mark 70 %, 20 minutes, 3 attempts)

``bank`` is the shared GIFT file imported (16 questions, 4 categories).
"""

from __future__ import annotations

from pathlib import Path

import pytest

GIFT = (
    Path(__file__).resolve().parents[2]
    / "quizzes"
    / "data"
    / "questions_attt_co_ban.gift"
)


@pytest.fixture
def gift_source() -> str:
    return GIFT.read_text(encoding="utf-8")


@pytest.fixture
def bank(db, gift_source):
    from quizzes.gift import parse
    from quizzes.services import questions_import

    questions, errors = parse(gift_source)
    report = questions_import(questions=questions, errors=errors)
    assert report.ok, report.errors
    return report


@pytest.fixture
def base_data(db):
    """What migrations create and transaction=True tests flush away."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    # A flush by an earlier transaction=True test removes the content types
    # this process has cached; search index rows would point at missing ids.
    ContentType.objects.clear_cache()
    from wagtail.models import Locale

    from elearning.people.models import Role

    Locale.objects.get_or_create(language_code="vi")
    access = Permission.objects.filter(codename="access_admin").first()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if access is not None and role != Role.LEARNER:
            group.permissions.add(access)


@pytest.fixture(autouse=True)
def _base_data_for_db_tests(request):
    # A transaction=True test flushes the groups and locale the migrations
    # made, and --reuse-db keeps the flushed database for the next run.
    if request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames):
        request.getfixturevalue("base_data")


@pytest.fixture
def course(base_data):
    from wagtail.models import Page, Site

    from courses.models import CourseIndexPage, CoursePage

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        # transaction=True tests flush the tree the migrations made.
        tree_root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = tree_root.add_child(instance=Page(title="Trang chủ", slug="home"))
        site = Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True
        )
    root = site.root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    return index.add_child(
        instance=CoursePage(
            title="ATTT cơ bản",
            slug="attt",
            code="ATTT-TEST",
            require_lessons=True,
            require_quizzes=True,
        )
    )


def make_quiz(course, **fields):
    from quizzes.models import QuestionCategory, QuizPage, QuizRandomDraw

    defaults = {
        "title": "Bài kiểm tra cuối khóa",
        "slug": "kiem-tra",
        "time_limit_minutes": 20,
        "attempts_allowed": 3,
    }
    if "random_draws" not in fields:
        root = QuestionCategory.objects.get(name="ATTT cơ bản", parent=None)
        defaults["random_draws"] = [QuizRandomDraw(category=root, count=10)]
    defaults.update(fields)
    return course.add_child(instance=QuizPage(**defaults))


@pytest.fixture
def quiz(bank, course):
    return make_quiz(course)


@pytest.fixture
def enrolled(learner, course):
    from courses.models import Enrolment

    Enrolment.objects.create(learner=learner, course=course)
    return learner


def correct_response(snapshot: dict) -> dict:
    """The full-credit response to a snapshot."""
    kind = snapshot["type"]
    right = [c for c in snapshot["choices"] if float(c["fraction"]) > 0]
    if kind in ("single", "true_false"):
        best = max(right, key=lambda c: float(c["fraction"]))
        return {"choice": best["key"]}
    if kind == "multiple":
        return {"choices": [c["key"] for c in right]}
    if kind in ("short", "numerical"):
        return {"text": right[0]["text"]}
    return {"matches": {c["key"]: c["match"] for c in snapshot["choices"]}}


def wrong_response(snapshot: dict) -> dict:
    kind = snapshot["type"]
    wrong = [c for c in snapshot["choices"] if float(c["fraction"]) <= 0]
    if kind in ("single", "true_false"):
        return {"choice": wrong[0]["key"]}
    if kind == "multiple":
        return {"choices": [c["key"] for c in wrong]}
    if kind == "short":
        return {"text": "không biết"}
    if kind == "numerical":
        return {"text": "-999999"}
    return {"matches": {}}
