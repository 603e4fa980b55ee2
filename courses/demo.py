"""Demo data for courses: the catalogue, the basic information-security
course with its lessons, authoring rights and workflow, demo enrolments.

Idempotent (pages found by slug, people by email). Assumes the people seeder
ran first (units). Demo learners are created here when absent, by email, so
this seeder also works before the people demo accounts exist.
"""

from __future__ import annotations

from wagtail.models import Page, Site

from elearning.people.demo import demo_users
from elearning.people.models import Role, User
from elearning.people.selectors import unit_id_now

from .authoring import course_authoring_setup
from .demo_content import COURSE, LESSONS
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
