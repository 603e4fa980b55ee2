"""Load data for courses: catalogue pages, enrolments and lesson progress.

Course and lesson pages are made with Wagtail's ``add_child`` (the page tree
needs it; there are at most a few hundred pages), live, without revisions.
The first course of a batch is the exam course: every learner is enrolled
in it and nobody has attempted its quiz yet. Every learner also has
``size.enrolments`` other courses, each with a fate: completed (every
lesson done, a passed quiz, a certificate), in progress or just enrolled.
"""

from __future__ import annotations

import datetime

from wagtail.models import Page, Site

from elearning.loaddata import LoadContext, bulk, explicit_dates

from .demo_content import LESSONS
from .models import CourseIndexPage, CoursePage, Enrolment, LessonPage, LessonProgress

TOPICS = [
    "Kỹ năng cơ bản bảo đảm an toàn thông tin",
    "Phòng chống lừa đảo trực tuyến",
    "Bảo vệ dữ liệu cá nhân trong cơ quan nhà nước",
    "An toàn thư điện tử công vụ",
    "Sử dụng chữ ký số an toàn",
    "An toàn thiết bị di động",
    "Ứng phó sự cố an toàn thông tin",
    "Sử dụng mạng xã hội an toàn",
    "Bảo mật hệ thống một cửa điện tử",
    "Quản lý mật khẩu và xác thực hai yếu tố",
]
CHUNK = 2000
FATES = ["completed", "in_progress", "enrolled"]
FATE_WEIGHTS = [50, 35, 15]


def catalogue() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_page if site else Page.get_first_root_node()
    index = CourseIndexPage(title="Khóa học", slug="khoa-hoc")
    root.add_child(instance=index)
    return index


def page_path(page) -> str:
    """The page's URL path on its site (no host)."""
    return page.get_url_parts()[2]


def _live(page, ctx: LoadContext):
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = ctx.now
    return page


def courses(ctx: LoadContext) -> None:
    index = catalogue()
    rng = ctx.rng
    code = ctx.prefix.upper()
    for n in range(ctx.size.courses):
        exam = n == 0
        topic = TOPICS[n % len(TOPICS)]
        title = (
            f"Kiểm tra an toàn thông tin năm {ctx.today.year}"
            if exam
            else f"{topic} (khóa {n:03d})"
        )
        course = CoursePage(
            title=title,
            slug=f"{ctx.prefix}-khoa-{n:03d}",
            code=f"{code}-{n:03d}",
            summary=f"{topic}: khóa bồi dưỡng trực tuyến cho cán bộ, công chức.",
            audience=rng.choice(CoursePage.Audience.values),
            level=rng.choice(CoursePage.Level.values),
            duration_hours=rng.randint(2, 8),
            enrolment_policy=(
                CoursePage.EnrolmentPolicy.OFFICER
                if exam
                else rng.choice(CoursePage.EnrolmentPolicy.values)
            ),
            require_lessons=True,
            require_quizzes=True,
            owner_id=rng.choice(ctx.trainers) if ctx.trainers else None,
        )
        index.add_child(instance=_live(course, ctx))
        lesson_ids = []
        for k in range(ctx.size.lessons):
            source = LESSONS[(n + k) % len(LESSONS)]
            lesson = LessonPage(
                title=f"Bài {k + 1}. {source['title'].split('. ', 1)[-1]}",
                slug=f"bai-{k + 1}",
                estimated_minutes=source["minutes"],
                body=source["body"],
                owner_id=course.owner_id,
            )
            course.add_child(instance=_live(lesson, ctx))
            lesson_ids.append(lesson.pk)
        ctx.courses.append(course)
        ctx.lessons[course.pk] = lesson_ids
    ctx.exam_course = ctx.courses[0]
    ctx.count("courses", len(ctx.courses))
    ctx.count("lessons", sum(len(v) for v in ctx.lessons.values()))


def _completed_at(ctx: LoadContext) -> datetime.datetime:
    # This year's certificates: completion within the current year.
    days = max(1, min(120, ctx.today.timetuple().tm_yday - 1))
    return ctx.past(days=days)


def plan(ctx: LoadContext) -> list[tuple[int, int, str]]:
    """(learner id, course id, fate) for every enrolment of this batch."""
    rng = ctx.rng
    exam = ctx.exam_course
    others = ctx.courses[1:]
    plans = []
    for learner_id, _email, _unit in ctx.learners:
        plans.append((learner_id, exam.pk, rng.choice(["enrolled", "in_progress"])))
        picks = rng.sample(others, min(ctx.size.enrolments, len(others)))
        for course in picks:
            fate = rng.choices(FATES, weights=FATE_WEIGHTS)[0]
            plans.append((learner_id, course.pk, fate))
    for learner_id in ctx.also_enrol:
        plans.append((learner_id, exam.pk, "in_progress"))
        plans.extend((learner_id, course.pk, "completed") for course in others)
    return plans


def enrolments(ctx: LoadContext) -> None:
    rng = ctx.rng
    officers_by_unit: dict[int, list[int]] = {}
    for pk, _email, unit_id in ctx.officers:
        officers_by_unit.setdefault(unit_id, []).append(pk)
    units = {pk: unit_id for pk, _e, unit_id in ctx.learners}
    plans = plan(ctx)
    unit_of = ctx.unit_ids({learner_id for learner_id, _c, _f in plans})
    for start in range(0, len(plans), CHUNK):
        chunk = plans[start : start + CHUNK]
        rows, meta = [], []
        for learner_id, course_id, fate in chunk:
            n_lessons = len(ctx.lessons[course_id])
            if fate == "completed":
                done, completed_at = n_lessons, _completed_at(ctx)
                status = Enrolment.Status.COMPLETED
            elif fate == "in_progress":
                # Lessons done, the quiz not yet passed: not complete.
                done, completed_at = rng.randint(1, n_lessons), None
                status = Enrolment.Status.IN_PROGRESS
            else:
                done, completed_at = 0, None
                status = Enrolment.Status.ENROLLED
            enrolled_at = (
                completed_at - datetime.timedelta(days=rng.randint(3, 60))
                if completed_at
                else ctx.past(days=90)
            )
            officers = officers_by_unit.get(units.get(learner_id), [])
            rows.append(
                Enrolment(
                    learner_id=learner_id,
                    course_id=course_id,
                    unit_id=unit_of.get(learner_id),
                    status=status,
                    source=Enrolment.Source.OFFICER,
                    enrolled_by_id=rng.choice(officers) if officers else None,
                    completed_at=completed_at,
                    created_at=enrolled_at,
                )
            )
            meta.append((learner_id, course_id, fate, done, completed_at, enrolled_at))
        with explicit_dates(Enrolment, "created_at"):
            saved = bulk(Enrolment, rows)
        progress = []
        for enrolment, row in zip(saved, meta, strict=True):
            learner_id, course_id, fate, done, completed_at, enrolled_at = row
            ctx.enrolments.append((enrolment.pk, *row))
            end = completed_at or ctx.now
            span = max(1, int((end - enrolled_at).total_seconds()))
            progress.extend(
                LessonProgress(
                    enrolment_id=enrolment.pk,
                    page_id=page_id,
                    completed_at=enrolled_at
                    + datetime.timedelta(seconds=span * (k + 1) // (done + 1)),
                )
                for k, page_id in enumerate(ctx.lessons[course_id][:done])
            )
        with explicit_dates(LessonProgress, "completed_at"):
            bulk(LessonProgress, progress, batch_size=5000)
        ctx.count("enrolments", len(rows))
        ctx.count("lesson_progress", len(progress))


def generate(ctx: LoadContext) -> None:
    courses(ctx)
    enrolments(ctx)
    exam = ctx.exam_course
    ctx.manifest["browse"] = {
        "course_urls": [page_path(course) for course in ctx.courses],
        "lesson_urls": [
            page_path(lesson)
            for lesson in LessonPage.objects.child_of(exam).order_by("path")
        ],
    }
    ctx.say(
        f"Courses: {ctx.counts['courses']} courses, {ctx.counts['lessons']} lessons, "
        f"{ctx.counts['enrolments']} enrolments, "
        f"{ctx.counts['lesson_progress']} lessons done"
    )
