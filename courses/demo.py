"""Demo data for courses: the catalogue, the basic information-security
course with its lessons, authoring rights and workflow, demo enrolments.

Idempotent (pages found by slug, people by email). Assumes the people seeder
ran first (units). Demo learners are created here when absent, by email, so
this seeder also works before the people demo accounts exist.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from elearning.people.models import AdministrativeUnit, Agency, Role, StaffProfile, User

from .authoring import course_authoring_setup
from .demo_content import COURSE, LESSONS
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage

DEMO_PASSWORD = "HocAnToan@2026"  # noqa: S105 - printed demo credential
DEMO_LEARNERS = [
    ("hv.xuanloc@demo.dongnai.gov.vn", "Nguyễn Thị Mai", "741"),
    ("hv2.xuanloc@demo.dongnai.gov.vn", "Trần Văn Hùng", "741"),
    ("hv.bienhoa@demo.dongnai.gov.vn", "Lê Thị Thu Hà", "731"),
]


def _learner(email: str, full_name: str, code: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        user.groups.add(Group.objects.get(name=Role.LEARNER))
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    if not hasattr(user, "profile"):
        unit = (
            AdministrativeUnit.objects.filter(code=code).order_by("-valid_from").first()
        )
        agency, _created = Agency.objects.get_or_create(
            unit=unit, name=f"Văn phòng HĐND và UBND {unit.full_name}"
        )
        StaffProfile.objects.create(
            user=user,
            full_name=full_name,
            unit=unit,
            agency=agency,
            category="cong_chuc",
        )
    return user


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
    for email, name, code in DEMO_LEARNERS:
        learner = _learner(email, name, code)
        _enrolment, was_created = Enrolment.objects.get_or_create(
            learner=learner,
            course=course,
            defaults={"source": Enrolment.Source.OFFICER},
        )
        enrolled += was_created
    stdout.write(
        f"Course {course.code}: {created} lessons created, {enrolled} learners enrolled "
        f"(demo learners' password if created here: {DEMO_PASSWORD})"
    )
