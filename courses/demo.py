"""Demo data for courses: the catalogue, the basic information-security
course with its lessons, authoring rights and workflow, demo enrolments.

Idempotent (pages found by slug, people by email). Assumes the people seeder
ran first (units). Demo learners are created here when absent, by email, so
this seeder also works before the people demo accounts exist.
"""

from __future__ import annotations

import datetime

from wagtail.models import Page, Site

from elearning.people.demo import demo_users
from elearning.people.models import Role, User
from elearning.people.selectors import unit_id_now

from .authoring import course_authoring_setup
from .demo_content import COURSE, HISTORY_COURSE, LESSONS
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage


def _catalogue() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_page if site else Page.get_first_root_node()
    index = CourseIndexPage(
        title="Khóa học",
        slug="khoa-hoc",
        intro="<p>Các khóa bồi dưỡng kiến thức an toàn thông tin trực tuyến.</p>",
    )
    root.add_child(instance=index)
    index.save_revision().publish()
    return index


def _trainer() -> User | None:
    return User.objects.filter(groups__name=Role.TRAINER).order_by("pk").first()


def seed(*, stdout, style) -> None:
    index = _catalogue()
    course_authoring_setup(index=index)
    course = CoursePage.objects.filter(code=COURSE["code"]).first()
    if course is None:
        course = CoursePage(
            title=COURSE["title"],
            slug=COURSE["slug"],
            code=COURSE["code"],
            summary=COURSE["summary"],
            objectives=COURSE["objectives"],
            audience=CoursePage.Audience.ALL,
            level=CoursePage.Level.BASIC,
            duration_hours=4,
            enrolment_policy=CoursePage.EnrolmentPolicy.OFFICER,
            owner=_trainer(),
        )
        index.add_child(instance=course)
        course.save_revision().publish()
    existing = set(LessonPage.objects.child_of(course).values_list("slug", flat=True))
    created = 0
    for lesson in LESSONS:
        if lesson["slug"] in existing:
            continue
        page = LessonPage(
            title=lesson["title"],
            slug=lesson["slug"],
            estimated_minutes=lesson["minutes"],
            body=lesson["body"],
            owner=course.owner,
        )
        course.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    enrolled = 0
    for learner in demo_users(Role.LEARNER):
        _enrolment, was_created = Enrolment.objects.get_or_create(
            learner=learner,
            course=course,
            defaults={
                "source": Enrolment.Source.OFFICER,
                "unit_id": unit_id_now(learner),
            },
        )
        enrolled += was_created
    stdout.write(
        f"Course {course.code}: {created} lessons created, {enrolled} learners enrolled"
    )
    seed_history(stdout=stdout)


def history_course() -> CoursePage | None:
    return CoursePage.objects.filter(code=HISTORY_COURSE["code"]).first()


def seed_history(*, stdout) -> None:
    """The 2024 course, finished by the Xuân Lộc learners while they worked
    for the district: enrolments and lesson progress dated 2024, made under
    Huyện Xuân Lộc (741). Idempotent."""
    from django.utils import timezone

    from elearning.people.demo import HISTORY_PEOPLE, history_unit

    from .models import LessonProgress

    index = _catalogue()
    course = history_course()
    if course is None:
        course = CoursePage(
            title=HISTORY_COURSE["title"],
            slug=HISTORY_COURSE["slug"],
            code=HISTORY_COURSE["code"],
            summary=HISTORY_COURSE["summary"],
            audience=CoursePage.Audience.ALL,
            level=CoursePage.Level.BASIC,
            duration_hours=2,
            enrolment_policy=CoursePage.EnrolmentPolicy.OFFICER,
            closes_on=datetime.date(2024, 12, 31),
            owner=_trainer(),
        )
        index.add_child(instance=course)
        course.save_revision().publish()
        for n in HISTORY_COURSE["lessons"]:
            lesson = LESSONS[n]
            page = LessonPage(
                title=lesson["title"],
                slug=lesson["slug"],
                estimated_minutes=lesson["minutes"],
                body=lesson["body"],
                owner=course.owner,
            )
            course.add_child(instance=page)
            page.save_revision().publish()
    lessons = list(LessonPage.objects.child_of(course).live())
    enrolled_at = timezone.make_aware(
        datetime.datetime(*HISTORY_COURSE["enrolled"], 8, 0)
    )
    completed_at = timezone.make_aware(
        datetime.datetime(*HISTORY_COURSE["completed"], 16, 0)
    )
    unit = history_unit()
    made = 0
    for learner in User.objects.filter(email__in=HISTORY_PEOPLE).order_by("email"):
        enrolment, created = Enrolment.objects.get_or_create(
            learner=learner,
            course=course,
            defaults={
                "source": Enrolment.Source.OFFICER,
                "status": Enrolment.Status.COMPLETED,
                "unit": unit,
            },
        )
        if not created:
            continue
        made += 1
        # Dated 2024: the fields the database fills on creation are set after.
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=enrolled_at, completed_at=completed_at
        )
        for lesson in lessons:
            progress = LessonProgress.objects.create(enrolment=enrolment, page=lesson)
            LessonProgress.objects.filter(pk=progress.pk).update(
                completed_at=completed_at
            )
    stdout.write(
        f"Course {course.code} (2024, Huyện Xuân Lộc): {made} completed enrolments"
    )
