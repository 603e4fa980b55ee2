"""Reads about courses that pages, officers and other apps rely on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elearning.pagecache import memo, memo_many
from elearning.people.models import staff_search_q

from .completion import Requirement, registered_checks, registered_many_checks


@dataclass(frozen=True)
class Eligibility:
    """Whether a learner has completed a course, and if not, why not.

    ``reasons`` are translated, human sentences, shown as they are to
    learners, officers and trainers; ``requirements`` the rules one by one.
    """

    complete: bool
    reasons: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        """The course result: the score of the first rule that has one."""
        return next((r.score for r in self.requirements if r.score is not None), None)

    @property
    def progress_percent(self) -> int:
        """Share of the measurable steps done, over every rule with progress."""
        done = total = 0
        for requirement in self.requirements:
            if requirement.progress:
                done += requirement.progress[0]
                total += requirement.progress[1]
            else:
                done += int(requirement.done)
                total += 1
        return round(100 * done / total) if total else 0

    @property
    def changes_at(self):
        """The soonest time a rule's result changes with nothing written."""
        times = [r.changes_at for r in self.requirements if r.changes_at is not None]
        return min(times) if times else None


def course_eligibility(*, user, course) -> Eligibility:
    """The one function that says whether ``user`` completed ``course``."""
    from .models import Enrolment

    enrolment = Enrolment.objects.filter(learner=user, course=course).active().first()
    if enrolment is None:
        return Eligibility(False, [_("Chưa ghi danh khóa học này.")])
    enrolment.course = course  # the caller's page and learner: not read again
    enrolment.learner = user
    return enrolment_eligibility(enrolment)


def enrolment_eligibility(enrolment) -> Eligibility:
    requirements = [
        requirement
        for check in registered_checks().values()
        if (requirement := check(enrolment)) is not None
    ]
    return _eligibility(requirements)


def enrolments_eligibility(enrolments) -> dict[int, Eligibility]:
    """:func:`enrolment_eligibility` of many enrolments, by enrolment pk.

    Rules registered with a ``many`` form are evaluated for the whole list
    at once (a fixed number of queries); the others one enrolment at a time.
    The result is the same as calling :func:`enrolment_eligibility` on each.
    """
    enrolments = list(enrolments)
    per_rule: list[dict[int, Requirement | None]] = []
    many_checks = registered_many_checks()
    for key, check in registered_checks().items():
        many = many_checks.get(key)
        if many is not None and enrolments:
            per_rule.append(many(enrolments))
        else:
            per_rule.append({e.pk: check(e) for e in enrolments})
    return {
        e.pk: _eligibility(
            [r for results in per_rule if (r := results.get(e.pk)) is not None]
        )
        for e in enrolments
    }


def _eligibility(requirements: list[Requirement]) -> Eligibility:
    reasons = [reason for r in requirements for reason in r.reasons]
    complete = bool(requirements) and all(r.done for r in requirements)
    return Eligibility(complete, reasons, requirements)


# --- Lessons -------------------------------------------------------------


def course_lessons(course) -> list:
    """The live lessons of ``course`` in page-tree order (bodies deferred)."""
    from .models import LessonPage

    return memo(
        f"courses:lessons:{course.pk}",
        lambda: list(
            LessonPage.objects.live()
            .child_of(course)
            .defer_streamfields()
            .order_by("path")
            .only(
                "id",
                "title",
                "slug",
                "url_path",
                "path",
                "depth",
                "estimated_minutes",
                "min_study_seconds",
                "video_tracked",
            )
        ),
    )


def catalogue_url() -> str | None:
    """The address of the course catalogue (the first live course index
    page), or None when there is none."""
    from .models import CourseIndexPage

    def compute():
        index = CourseIndexPage.objects.live().order_by("path").first()
        return index.url if index is not None else None

    return memo("courses:catalogue-url", compute)


def course_activities(course) -> list:
    """The live pages of ``course`` other than lessons (its quizzes), in
    page-tree order, as plain pages: the course page links to them."""
    from wagtail.models import Page

    from .models import LessonPage

    return memo(
        f"courses:activities:{course.pk}",
        lambda: list(
            Page.objects.live()
            .child_of(course)
            .not_type(LessonPage)
            .order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth")
        ),
    )


def lesson_ids_by_course(course_ids) -> dict[int, list[int]]:
    """Live lesson ids per course (kept until the page tree changes)."""
    return memo_many("courses:lesson-ids", course_ids, _lesson_ids_by_course)


def _lesson_ids_by_course(course_ids) -> dict[int, list[int]]:
    """One query for any number of courses."""
    from wagtail.models import Page

    from .models import CoursePage, LessonPage

    courses = CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "path")
    by_path = {path: pk for pk, path in courses}
    result: dict[int, list[int]] = {pk: [] for pk in course_ids}
    if not by_path:
        return result
    condition = Q()
    for path in by_path:
        condition |= Q(path__startswith=path, depth=len(path) // Page.steplen + 1)
    rows = (
        LessonPage.objects.live()
        .filter(condition)
        .order_by("path")
        .values_list("pk", "path")
    )
    for pk, path in rows:
        result[by_path[path[: -Page.steplen]]].append(pk)
    return result


# --- Study time ----------------------------------------------------------


def duration_text(seconds) -> str:
    """ "3 phút" from 180 s (minutes rounded up), "40 giây" under a minute."""
    seconds = max(0, math.ceil(seconds))
    if seconds >= 60:
        n = math.ceil(seconds / 60)
        return ngettext("%(n)d phút", "%(n)d phút", n) % {"n": n}
    return ngettext("%(n)d giây", "%(n)d giây", seconds) % {"n": seconds}


def studied_text(seconds) -> str:
    """What an officer reads of a learner's time on a lesson: "đã học 12
    phút" (whole minutes), "đã học 40 giây" under a minute."""
    seconds = int(seconds)
    if seconds >= 60:
        n = seconds // 60
        return ngettext("đã học %(n)d phút", "đã học %(n)d phút", n) % {"n": n}
    return ngettext("đã học %(n)d giây", "đã học %(n)d giây", seconds) % {"n": seconds}


def video_watched_percent(study) -> int | None:
    """The share of the lesson's uploaded video watched, ``None`` when the
    page never reported the video's length."""
    if study is None or not study.video_duration:
        return None
    return min(100, math.floor(100 * study.video_seconds / study.video_duration))


def lesson_study_missing(lesson, study) -> list[str]:
    """What the learner must still do on ``lesson`` before it can be marked
    done, given their ``LessonStudy`` (``None``: never opened); empty when
    they studied it enough. One sentence per missing thing."""
    reasons = []
    seen = study.seconds_visible if study is not None else 0
    missing = lesson.study_seconds_required - seen
    if missing > 0:
        # Whole units, rounded up: never "0 phút" while something is missing.
        seconds = math.ceil(missing)
        if seconds >= 60:
            n = math.ceil(seconds / 60)
            reasons.append(
                ngettext("Cần học thêm %(n)d phút.", "Cần học thêm %(n)d phút.", n)
                % {"n": n}
            )
        else:
            reasons.append(
                ngettext(
                    "Cần học thêm %(n)d giây.", "Cần học thêm %(n)d giây.", seconds
                )
                % {"n": seconds}
            )
    if lesson.video_tracked:
        percent = video_watched_percent(study) or 0
        need = round(100 * lesson.VIDEO_SHARE)
        watched = (
            study is not None
            and study.video_duration > 0
            and study.video_seconds >= lesson.VIDEO_SHARE * study.video_duration
        )
        if not watched:
            reasons.append(
                _("Cần xem video của bài: đã xem %(seen)d%%, cần ít nhất %(need)d%%.")
                % {"seen": percent, "need": need}
            )
    return reasons


def _study_reasons(enrolment, missing_ids, studies) -> list[str]:
    """For each lesson of ``missing_ids`` the learner opened, what is still
    missing ("Bài “…”: Cần học thêm 3 phút."). ``studies`` maps lesson id to
    the learner's ``LessonStudy`` with its lesson loaded."""
    reasons = []
    for pk in missing_ids:
        study = studies.get(pk)
        if study is None:
            continue
        gaps = lesson_study_missing(study.lesson, study)
        if gaps:
            reasons.append(
                _("Bài “%(title)s”: %(missing)s")
                % {"title": study.lesson.title, "missing": " ".join(gaps)}
            )
        else:
            reasons.append(
                _("Bài “%(title)s”: đã học đủ, hãy bấm “Đánh dấu đã học xong”.")
                % {"title": study.lesson.title}
            )
    return reasons


def _load_studies(pairs) -> dict[tuple[int, int], object]:
    """``{(learner id, lesson id): LessonStudy}`` (lesson loaded, body left
    out) for the given pairs, in one query."""
    from .models import LessonStudy

    pairs = list(pairs)
    if not pairs:
        return {}
    learners = {learner for learner, _lesson in pairs}
    lessons = {lesson for _learner, lesson in pairs}
    rows = (
        LessonStudy.objects.filter(learner_id__in=learners, lesson_id__in=lessons)
        .select_related("lesson")
        .defer("lesson__body")
    )
    wanted = set(pairs)
    return {
        (row.learner_id, row.lesson_id): row
        for row in rows
        if (row.learner_id, row.lesson_id) in wanted
    }


def lessons_requirement(enrolment) -> Requirement | None:
    """The "lessons" completion rule: every live lesson marked done. For a
    lesson opened but not done, says what is missing (study time, video)."""
    course = enrolment.course
    if not course.require_lessons:
        return None
    lesson_ids = getattr(enrolment, "_lesson_ids", None)
    if lesson_ids is None:
        lesson_ids = lesson_ids_by_course([course.pk])[course.pk]
    done_ids = {p.page_id for p in enrolment.progress.all()}
    done = sum(1 for pk in lesson_ids if pk in done_ids)
    total = len(lesson_ids)
    missing = total - done
    reasons = (
        [
            _("Còn %(n)d/%(total)d bài học chưa hoàn thành.")
            % {"n": missing, "total": total}
        ]
        if missing
        else []
    )
    if missing:
        missing_ids = [pk for pk in lesson_ids if pk not in done_ids]
        studies = getattr(enrolment, "_studies", None)
        if studies is None:
            found = _load_studies((enrolment.learner_id, pk) for pk in missing_ids)
            studies = {lesson: row for (_l, lesson), row in found.items()}
        reasons += _study_reasons(enrolment, missing_ids, studies)
    return Requirement(
        key="lessons",
        label=_("Hoàn thành các bài học"),
        done=missing == 0,
        reasons=reasons,
        progress=(done, total),
    )


def lessons_requirements(enrolments) -> dict[int, Requirement | None]:
    """:func:`lessons_requirement` of many enrolments: one query for the
    lesson lists of every course (none when the page already set them), plus
    the lesson progress unless it was prefetched."""
    missing = {
        e.course_id
        for e in enrolments
        if e.course.require_lessons and getattr(e, "_lesson_ids", None) is None
    }
    ids = lesson_ids_by_course(sorted(missing)) if missing else {}
    for enrolment in enrolments:
        if getattr(enrolment, "_lesson_ids", None) is None and (
            enrolment.course_id in ids
        ):
            enrolment._lesson_ids = ids[enrolment.course_id]
    # The study time of every lesson not done yet, of every enrolment at
    # once (none when each already carries its own).
    pairs = []
    for enrolment in enrolments:
        if not enrolment.course.require_lessons or hasattr(enrolment, "_studies"):
            continue
        done_ids = {p.page_id for p in enrolment.progress.all()}
        pairs += [
            (enrolment.learner_id, pk)
            for pk in enrolment._lesson_ids
            if pk not in done_ids
        ]
    found = _load_studies(pairs)
    result = {}
    for enrolment in enrolments:
        if enrolment.course.require_lessons and not hasattr(enrolment, "_studies"):
            enrolment._studies = {
                lesson: row
                for (learner, lesson), row in found.items()
                if learner == enrolment.learner_id
            }
        result[enrolment.pk] = lessons_requirement(enrolment)
    return result


def learner_enrolment(*, user, course):
    """The user's enrolment in ``course`` with its lesson progress (``None``
    if there is none); kept in the cache (``courses.caching``)."""
    from .caching import cached_enrolment
    from .models import Enrolment

    if not getattr(user, "is_authenticated", False):
        return None
    return cached_enrolment(
        learner_id=user.pk,
        course_id=course.pk,
        load=lambda: (
            Enrolment.objects.filter(learner_id=user.pk, course_id=course.pk)
            .prefetch_related("progress")
            .first()
        ),
        load_statuses=lambda: _enrolment_statuses(user),
    )


def _enrolment_statuses(user):
    from .models import Enrolment

    return Enrolment.objects.filter(learner_id=user.pk).values_list(
        "course_id", "status"
    )


def learner_course_statuses(*, user) -> dict:
    """``{course id: status}`` of the user's enrolments (kept in the cache,
    ``courses.caching``); empty for an anonymous user."""
    from .caching import cached_statuses

    if not getattr(user, "is_authenticated", False):
        return {}
    return cached_statuses(
        learner_id=user.pk, load_statuses=lambda: _enrolment_statuses(user)
    )


def course_page_context(*, course, user) -> dict:
    """What the course page shows: lessons with done marks and the action."""
    from .models import Enrolment

    lessons = course_lessons(course)
    enrolment = learner_enrolment(user=user, course=course)
    done_ids: set[int] = set()
    eligibility = None
    if enrolment is not None and enrolment.is_active:
        done_ids = {p.page_id for p in enrolment.progress.all()}
        enrolment._lesson_ids = [lesson.pk for lesson in lessons]
        enrolment.course = course
        # The user's own enrolment: the completion checks may use the user.
        enrolment.learner = user
        eligibility = enrolment_eligibility(enrolment)
    rows = []
    previous_done = True
    for lesson in lessons:
        is_done = lesson.pk in done_ids
        rows.append(
            {
                "page": lesson,
                "done": is_done,
                "locked": course.sequential and not previous_done,
            }
        )
        previous_done = is_done
    next_lesson = next((r["page"] for r in rows if not r["done"]), None)
    return {
        "lessons": rows,
        "activities": course_activities(course),
        "enrolment": enrolment,
        "eligibility": eligibility,
        "next_lesson": next_lesson,
        "can_study": enrolment is not None and enrolment.is_active,
        "Status": Enrolment.Status,
        "Policy": course.EnrolmentPolicy,
    }


@dataclass
class LessonAccess:
    course: object
    enrolment: object | None
    lessons: list
    done_ids: set
    previous: object | None
    next: object | None
    is_done: bool
    redirect_to: str | None = None


def lesson_access(*, lesson, user) -> LessonAccess:
    """Whether ``user`` may study ``lesson``; neighbours and done marks.

    Only a learner with an active enrolment studies a lesson (staff may
    preview it); anyone else is sent to the course page, where they can
    enrol if the course allows it. In a sequential course a lesson opens
    once the previous one is done.
    """
    from .models import CoursePage

    # Routing leaves the course on the lesson (see CoursePage.route).
    course = getattr(lesson, "_cached_parent_obj", None)
    if not isinstance(course, CoursePage):
        course = CoursePage.objects.defer_streamfields().get(
            path=lesson.path[: -lesson.steplen]
        )
    lessons = course_lessons(course)
    enrolment = learner_enrolment(user=user, course=course)
    active = enrolment is not None and enrolment.is_active
    done_ids = {p.page_id for p in enrolment.progress.all()} if active else set()
    ids = [item.pk for item in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else None
    previous = lessons[position - 1] if position else None
    following = (
        lessons[position + 1]
        if position is not None and position + 1 < len(lessons)
        else None
    )
    access = LessonAccess(
        course=course,
        enrolment=enrolment if active else None,
        lessons=lessons,
        done_ids=done_ids,
        previous=previous,
        next=following,
        is_done=lesson.pk in done_ids,
    )
    is_staff_preview = getattr(user, "is_staff", False)
    if (
        not active
        and not is_staff_preview
        or (
            active
            and course.sequential
            and previous is not None
            and previous.pk not in done_ids
        )
    ):
        access.redirect_to = course.url
    return access


# --- Catalogue -----------------------------------------------------------


CATALOGUE_COVER = "fill-600x315"
CATALOGUE_FILTERS = ("audience", "level", "enrolment_policy")


def catalogue(*, index, params, user) -> dict:
    """Live courses under ``index`` filtered by audience, level, policy, text."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    from .models import CoursePage

    # The card's cover rendition comes with its image: no query per card.
    courses = (
        CoursePage.objects.live()
        .child_of(index)
        .defer_streamfields()
        .prefetch_related(
            Prefetch(
                "cover_image",
                queryset=get_image_model().objects.prefetch_renditions(CATALOGUE_COVER),
            )
        )
    )
    filters = {}
    for name, choices in (
        ("audience", CoursePage.Audience),
        ("level", CoursePage.Level),
        ("enrolment_policy", CoursePage.EnrolmentPolicy),
    ):
        value = params.get(name, "")
        if value in choices.values:
            courses = courses.filter(**{name: value})
            filters[name] = value
    query = params.get("q", "").strip()[:100]
    if query:
        courses = list(courses.search_folded(query).order_by("title"))
    else:  # the same for everyone until the page tree changes
        key = ":".join(filters.get(name, "") for name in CATALOGUE_FILTERS)
        courses = memo(
            f"courses:catalogue:{index.pk}:{key}",
            lambda: list(courses.order_by("title")),
        )
    from .models import Enrolment

    enrolled = {
        course_id
        for course_id, status in learner_course_statuses(user=user).items()
        if status in Enrolment.ACTIVE
    }
    return {
        "courses": courses,
        "enrolled_ids": enrolled,
        "query": query,
        "filters": filters,
        "audience_choices": CoursePage.Audience.choices,
        "level_choices": CoursePage.Level.choices,
        "policy_choices": CoursePage.EnrolmentPolicy.choices,
    }


# --- Learner dashboard ---------------------------------------------------


@dataclass
class DashboardRow:
    enrolment: object
    eligibility: Eligibility
    lessons_done: int
    lessons_total: int
    next_lesson: object | None


def learner_dashboard(*, user) -> list[DashboardRow]:
    """Every course of ``user`` with progress, next step and what is missing.

    Kept in the cache until one of the learner's records or a page changes
    (``courses.caching.cached_for_learner``). Built, it takes a fixed number
    of queries whatever the number of courses (the completion checks run
    once for all the enrolments, see ``enrolments_eligibility``).
    """
    from .caching import cached_for_learner

    return cached_for_learner(
        "dashboard", learner_id=user.pk, load=lambda: _learner_dashboard(user)
    )


def _learner_dashboard(user) -> tuple[list[DashboardRow], object]:
    """The dashboard's rows and when they change by themselves (or None)."""
    from .models import CoursePage, Enrolment, LessonPage

    enrolments = list(
        Enrolment.objects.filter(learner=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .prefetch_related("progress")
        .order_by("-created_at")
    )
    course_ids = [e.course_id for e in enrolments]
    # The courses are pages: read with the page cache, not joined per row.
    courses = memo_many(
        "courses:course",
        course_ids,
        lambda ids: (
            CoursePage.objects.defer_streamfields().defer("search_text").in_bulk(ids)
        ),
    )
    for enrolment in enrolments:
        enrolment.course = courses[enrolment.course_id]
    lesson_ids = lesson_ids_by_course(course_ids)
    all_ids = [pk for ids in lesson_ids.values() for pk in ids]
    lessons = memo_many(
        "courses:lesson",
        all_ids,
        lambda ids: LessonPage.objects.defer_streamfields().in_bulk(ids),
    )
    for enrolment in enrolments:
        # Every row is the user's own: the completion checks may use it.
        enrolment.learner = user
        enrolment._lesson_ids = lesson_ids[enrolment.course_id]
    eligibilities = enrolments_eligibility([e for e in enrolments if e.is_active])
    rows = []
    for enrolment in enrolments:
        ids = enrolment._lesson_ids
        done_ids = {p.page_id for p in enrolment.progress.all()}
        if enrolment.is_active:
            eligibility = eligibilities[enrolment.pk]
        else:
            eligibility = Eligibility(False, [enrolment.get_status_display()])
        next_id = next((pk for pk in ids if pk not in done_ids), None)
        rows.append(
            DashboardRow(
                enrolment=enrolment,
                eligibility=eligibility,
                lessons_done=sum(1 for pk in ids if pk in done_ids),
                lessons_total=len(ids),
                next_lesson=lessons.get(next_id) if next_id else None,
            )
        )
    for enrolment in enrolments:
        # Kept without the user: only the rows are the dashboard's.
        enrolment._state.fields_cache.pop("learner", None)
    changes = [t for e in eligibilities.values() if (t := e.changes_at) is not None]
    return rows, min(changes, default=None)


# --- Officer views -------------------------------------------------------


def district_enrolments(*, officer, params=None):
    """Enrolments the officer may see, filtered (lessons done: see
    :func:`enrolments_done_counts`, for the rows shown)."""
    from .models import Enrolment

    params = params or {}
    qs = (
        Enrolment.objects.visible_to(officer)
        # Restricted at the person's request: kept, not listed.
        .exclude(learner__profile__processing_restricted=True)
        .select_related("learner__profile__agency", "course")
        .defer("course__search_text")
        .order_by("learner__profile__sort_key", "course__title")
    )
    if agency := params.get("agency"):
        qs = qs.filter(learner__profile__agency_id=agency if agency.isdigit() else 0)
    if course := params.get("course"):
        qs = qs.filter(course_id=course if course.isdigit() else 0)
    if (status := params.get("status")) and status in Enrolment.Status.values:
        qs = qs.filter(status=status)
    if q := params.get("q", "").strip()[:100]:
        qs = qs.filter(
            staff_search_q(q, profile="learner__profile__", email="learner__email")
        )
    return qs


def enrolments_done_counts(enrolments) -> None:
    """Set ``done_count`` (lessons done) on each of ``enrolments``: one
    query for those rows, not a count over the whole list before paging."""
    from .models import LessonProgress

    enrolments = list(enrolments)
    counts = dict(
        LessonProgress.objects.filter(enrolment__in=[e.pk for e in enrolments])
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values_list("enrolment", "n")
    )
    for enrolment in enrolments:
        enrolment.done_count = counts.get(enrolment.pk, 0)


def lesson_totals(course_ids) -> dict[int, int]:
    return {pk: len(ids) for pk, ids in lesson_ids_by_course(course_ids).items()}
