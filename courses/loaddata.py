"""Load data for courses: catalogue pages, enrolments and lesson progress.

Course and lesson pages are made with Wagtail's ``add_child`` (the page tree
needs it; there are at most a few hundred pages), live, without revisions.
The first course of a batch is the exam course: every learner is enrolled
in it and nobody has attempted its quiz yet. Every learner also has
``size.enrolments`` other courses, each with a fate: completed (every
lesson done, a passed quiz, a certificate), in progress or just enrolled.
Enrolments are spread over the learner's history (``ctx.moment``) and keep
the unit of their day (``ctx.unit_at``): before 01/07/2025 the 2018
district, enrolled from its list (source "import"); since, the commune or
ward, enrolled by its officer. The exam course's enrolments are recent.
They are made and inserted a batch at a time.
"""

from __future__ import annotations

import datetime

from wagtail.models import Page, Site

from elearning.loaddata import LoadContext, batched, bulk, copy_rows, explicit_dates

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
PROGRESS_FIELDS = ["enrolment_id", "page_id", "completed_at"]


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


def plan(ctx: LoadContext):
    """(learner id, course id, fate) for every enrolment of this batch, one
    learner after another (a generator)."""
    rng = ctx.rng
    exam = ctx.exam_course
    others = ctx.courses[1:]
    for learner_id, _email, _unit in ctx.learners:
        yield (learner_id, exam.pk, rng.choice(["enrolled", "in_progress"]))
        picks = rng.sample(others, min(ctx.size.enrolments, len(others)))
        for course in picks:
            yield (learner_id, course.pk, rng.choices(FATES, weights=FATE_WEIGHTS)[0])
    for learner_id in ctx.also_enrol:
        yield (learner_id, exam.pk, "in_progress")
        yield from ((learner_id, course.pk, "completed") for course in others)


def _dates(ctx: LoadContext, learner_id: int, course_id: int, fate: str):
    """(enrolled at, completed at or None) of one enrolment."""
    rng = ctx.rng
    if course_id == ctx.exam_course.pk:
        return ctx.past(days=90), None
    if fate != "completed":
        return ctx.moment(learner_id), None
    enrolled_at = ctx.moment(learner_id, before=datetime.timedelta(days=3))
    completed_at = enrolled_at + datetime.timedelta(
        days=rng.randint(3, 60), seconds=rng.randrange(86400)
    )
    return enrolled_at, min(completed_at, ctx.now)


def _progress(ctx: LoadContext, saved, meta):
    """(enrolment id, lesson id, done at) of each lesson done, spread evenly
    from the enrolment to its completion (or now)."""
    for enrolment, (course_id, done, completed_at, enrolled_at) in zip(
        saved, meta, strict=True
    ):
        end = completed_at or ctx.now
        span = max(1, int((end - enrolled_at).total_seconds()))
        for k, page_id in enumerate(ctx.lessons[course_id][:done]):
            step = datetime.timedelta(seconds=span * (k + 1) // (done + 1))
            yield (enrolment.pk, page_id, enrolled_at + step)


def enrolments(ctx: LoadContext) -> None:
    rng = ctx.rng
    officers_by_unit: dict[int, list[int]] = {}
    for pk, _email, unit_id in ctx.officers:
        officers_by_unit.setdefault(unit_id, []).append(pk)
    current = ctx.current_units()
    for chunk in batched(plan(ctx), CHUNK):
        rows, meta = [], []
        for learner_id, course_id, fate in chunk:
            n_lessons = len(ctx.lessons[course_id])
            enrolled_at, completed_at = _dates(ctx, learner_id, course_id, fate)
            if fate == "completed":
                done, status = n_lessons, Enrolment.Status.COMPLETED
            elif fate == "in_progress":
                # Lessons done, the quiz not yet passed: not complete.
                done, status = rng.randint(1, n_lessons), Enrolment.Status.IN_PROGRESS
            else:
                done, status = 0, Enrolment.Status.ENROLLED
            officers = officers_by_unit.get(current.get(learner_id), [])
            officer = rng.choice(officers) if officers else None
            if enrolled_at < ctx.reform_at:
                source, officer = Enrolment.Source.IMPORT, None
            else:
                source = Enrolment.Source.OFFICER
            rows.append(
                Enrolment(
                    learner_id=learner_id,
                    course_id=course_id,
                    unit_id=ctx.unit_at(learner_id, enrolled_at),
                    status=status,
                    source=source,
                    enrolled_by_id=officer,
                    completed_at=completed_at,
                    created_at=enrolled_at,
                )
            )
            meta.append((course_id, done, completed_at, enrolled_at))
        with explicit_dates(Enrolment, "created_at"):
            saved = bulk(Enrolment, rows)
        progress = _progress(ctx, saved, meta)
        ctx.count(
            "lesson_progress", copy_rows(LessonProgress, PROGRESS_FIELDS, progress)
        )
        ctx.count("enrolments", len(rows))


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
