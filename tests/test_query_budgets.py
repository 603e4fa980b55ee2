"""Query counts of every learner and officer page: flat in the data, in budget.

The pages come from the URL conf through the access matrix's rules
(tests/access_rules.py): every named page a learner (or an officer) opens
with 200 is measured here unless NOT_MEASURED says why not, so a new page is
measured from the day it gets its access rule. The Wagtail pages (catalogue,
course, lesson, H5P lesson, quiz) are added by hand.

Data comes from the load-data generator at its tiny size; a second batch
(new learners in the same districts, new courses, classes and certificates,
and more records of the measured learner) grows it, and every page must then
make exactly as many queries as before.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .access_rules import PROJECT_RULES

pytestmark = pytest.mark.django_db

LEARNER_BUDGET = 15
OFFICER_BUDGET = 25

# Pages a learner or an officer opens that are not measured, and why.
NOT_MEASURED = {
    "healthz": "not a page",
    "javascript-catalog": "static catalogue, no records",
    "people:my_data_download": "file download",
    "certificates:download": "file download (PDF)",
    "certificates:export": "one export job's progress",
    "certificates:export_download": "file download",
    "courses:officer_enrolments_export": "spreadsheet download",
    "courses:import_job": "one import job's page",
    "courses:import_job_status": "one import job's progress (JSON)",
    "reports:export": "spreadsheet download",
    "reports:job": "one report job's page",
    "reports:job_status": "one report job's progress (JSON)",
    "reports:job_download": "file download",
    "attendance:report_xlsx": "spreadsheet download",
    "attendance:sign_in_sheet": "printable document download",
}


# Known debts, pinned: the page may not exceed this count at either size
# (and may grow with the data where it says so). When a fix lands the test
# fails until the entry is removed, so the list only shrinks.
KNOWN: dict[str, tuple[int, str]] = {}


def own_budget(name: str) -> int | None:
    """Pages whose query count follows the code, not the data."""
    if name == "people:my_data":
        from elearning.people.personal_data import personal_data_kinds

        # One query per registered kind of personal data, plus the page's
        # (requests, who saw the data).
        return len(personal_data_kinds()) + 6
    if name == "admin reports:province":
        from elearning.reports.selectors import TREND_YEARS

        # The trend asks each earlier year's figures, since the first
        # enrolment and at most TREND_YEARS years: six queries a year, one
        # per batch of figures (enrolments, quiz attempts, classes, class
        # members, attendance records, certificates).
        return OFFICER_BUDGET + 6 * (TREND_YEARS - 1)
    return None


def _page_names(role: str) -> list[str]:
    return sorted(
        name
        for name, rule in PROJECT_RULES.items()
        if rule.expect[role] == 200 and name not in NOT_MEASURED
    )


def _url(name, ctx) -> str:
    rule = PROJECT_RULES[name]
    url = reverse(
        name,
        kwargs=rule.kwargs(ctx) if rule.kwargs else None,
        args=rule.args(ctx) if rule.args else None,
    )
    if rule.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(rule.query(ctx))
    return url


SQL: dict[str, list[str]] = {}  # url -> statements of the last measure
URLS: dict[str, str] = {}  # page -> url


def _measure(client, url) -> tuple[int, int]:
    client.get(url)  # first visit: session and cache warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    SQL[url] = [q["sql"][:160] for q in queries.captured_queries]
    return response.status_code, len(queries)


def _h5p_lesson(course):
    from courses.models import LessonPage

    from .h5p.helpers import import_bytes, true_false_package

    version = import_bytes(true_false_package(), approve_libraries=True).version
    lesson = LessonPage(
        title="Bài tập tương tác", slug="bai-tap-h5p", body=[("h5p", version.content)]
    )
    course.add_child(instance=lesson)
    return lesson


def _context(batch, learner, units):
    """The objects the measured URLs name, all from the first batch."""
    from certificates.models import Certificate
    from courses.attendance.models import ClassSession, TrainingClass
    from courses.models import Enrolment, LessonPage
    from elearning.people.data_requests import data_request_file
    from elearning.people.incidents import incident_record
    from quizzes.models import Attempt, Question
    from quizzes.services import attempt_start

    course = batch.courses[1]
    klass = TrainingClass.objects.get(code=f"{batch.prefix}-741-1")
    now = timezone.now()
    session = ClassSession.objects.create(
        training_class=klass,
        start=now,
        end=now + datetime.timedelta(hours=3),
        topic="Buổi hôm nay",
    )
    exam_quiz = batch.quizzes[batch.exam_course.pk]
    return {
        "learner": learner,
        "units": units,
        "course": course,
        "lesson": LessonPage.objects.child_of(course).first(),
        "h5p_lesson": _h5p_lesson(course),
        "quiz": batch.quizzes[course.pk],
        "attempt": attempt_start(learner=learner, quiz=exam_quiz),
        "finished_attempt": Attempt.objects.finished()
        .filter(learner=learner, quiz=batch.quizzes[course.pk])
        .latest("number"),
        "enrolment": Enrolment.objects.get(learner=learner, course=course),
        "klass": klass,
        "session": session,
        "certificate": Certificate.objects.get(learner=learner, course=course),
        "question": Question.objects.first(),
        "catalogue": course.get_parent(),
        "data_request": data_request_file(
            person=learner, kind="correction", details="Sửa chức vụ"
        ),
        "incident": incident_record(
            title="Lộ danh sách",
            description="Gửi nhầm tệp",
            discovered_at=now,
            kinds=["profile"],
            unit=None,
            measures="",
            actor=learner,
        ),
    }


def _measure_all(clients, ctx) -> dict[str, tuple[str, int, int]]:
    """page -> (role, status, queries)."""
    pages = {}
    learner_urls = {name: _url(name, ctx) for name in _page_names("learner")}
    learner_urls["quizzes:result"] = reverse(
        "quizzes:result", kwargs={"attempt_id": ctx["finished_attempt"].pk}
    )
    for key in ("catalogue", "course", "lesson", "h5p_lesson", "quiz"):
        learner_urls[f"page:{key}"] = ctx[key].url
    for name, url in learner_urls.items():
        pages[name] = ("learner", *_measure(clients["learner"], url))
        URLS[name] = url
    for name in _page_names("officer"):
        URLS[f"officer {name}"] = url = _url(name, ctx)
        pages[f"officer {name}"] = ("officer", *_measure(clients["officer"], url))
    for name in ("reports:province",):
        URLS[f"admin {name}"] = url = reverse(name)
        pages[f"admin {name}"] = ("officer", *_measure(clients["admin"], url))
    return pages


def test_the_measured_pages_cover_every_learner_and_officer_page():
    from .test_access_matrix import url_names

    names = set(url_names())
    stale = sorted(n for n in NOT_MEASURED if n not in names)
    assert not stale, f"NOT_MEASURED names no URL: {stale}"
    # Every page either role opens is measured or excused.
    assert _page_names("learner")
    assert _page_names("officer")


def test_query_counts_are_flat_and_within_budget(
    units, learner, officer, province_admin
):
    from courses.models import Enrolment
    from elearning.loaddata import LoadContext, generate

    first = generate(LoadContext("T", seed=11, prefix="a", also_enrol=[learner.pk]))
    # The province's trend has a row per year since the first enrolment: the
    # second batch's records go back no further than this one's.
    Enrolment.objects.filter(learner=learner, course=first.exam_course).update(
        created_at=first.since
    )
    ctx = _context(first, learner, units)
    clients = {}
    for role, user in (
        ("learner", learner),
        ("officer", officer),
        ("admin", province_admin),
    ):
        clients[role] = Client()
        clients[role].force_login(user)
    small = _measure_all(clients, ctx)
    sql_small = {name: SQL[url] for name, url in URLS.items()}
    generate(LoadContext("T", seed=12, prefix="b", also_enrol=[learner.pk]))
    large = _measure_all(clients, ctx)
    sql_large = {name: SQL[url] for name, url in URLS.items()}

    table = "\n".join(
        f"{name:55} {role:8} {status} {small[name][2]:3} -> {queries:3}"
        for name, (role, status, queries) in sorted(large.items())
    )
    problems = []
    for name, (role, status, queries) in large.items():
        budget = LEARNER_BUDGET if role == "learner" else OFFICER_BUDGET
        budget = own_budget(name) or budget
        if status != 200:
            problems.append(f"{name}: status {status}")
        if name in KNOWN:
            ceiling, _why = KNOWN[name]
            if queries > ceiling:
                problems.append(f"{name}: {queries} queries > pinned {ceiling}")
            elif queries <= budget and queries == small[name][2]:
                problems.append(f"{name}: fixed, remove it from KNOWN")
            continue
        if queries != small[name][2]:
            grown = [
                q for q in sql_large.get(name, []) if q not in sql_small.get(name, [])
            ]
            problems.append(
                f"{name}: {small[name][2]} -> {queries} queries; e.g. {grown[:3]}"
            )
        if queries > budget:
            problems.append(f"{name}: {queries} queries > {budget}")
    assert not problems, "\n".join(problems) + "\n\n" + table
