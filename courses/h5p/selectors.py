"""Reads about H5P: what a course uses, a learner's graded results, and the
course completion check "h5p"."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from courses.completion import Requirement

from .models import H5PAttempt, H5PContent, H5PContentVersion, H5PLibrary


def playable_version(content: H5PContent) -> H5PContentVersion | None:
    """The newest version whose libraries are all approved (one query)."""
    from django.db.models import Count, Q

    return (
        content.versions.annotate(
            _unapproved=Count(
                "libraries",
                filter=~Q(libraries__status=H5PLibrary.Status.APPROVED),
            )
        )
        .filter(_unapproved=0)
        .order_by("-number")
        .first()
    )


def live_attempt(*, learner, version: H5PContentVersion) -> H5PAttempt | None:
    """The learner's unfinished attempt on ``version``, if any."""
    return H5PAttempt.objects.filter(
        learner=learner, version=version, finished_at__isnull=True
    ).first()


def course_h5p_contents(course) -> list[H5PContent]:
    """The H5P exercises placed in the live lessons of ``course``, in order."""
    return courses_h5p_contents([course])[course.pk]


def courses_h5p_contents(courses) -> dict[int, list[H5PContent]]:
    """:func:`course_h5p_contents` of many courses, in two queries."""
    from django.db.models import Q

    from courses.models import LessonPage

    courses = list(courses)
    ids: dict[int, list[int]] = {course.pk: [] for course in courses}
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth__gt=course.depth)
    for path, depth, body in (
        LessonPage.objects.live()
        .filter(condition)
        .order_by("path")
        .values_list("path", "depth", "body")
    ):
        blocks = body.raw_data if hasattr(body, "raw_data") else body or []
        for course in courses:
            if not (path.startswith(course.path) and depth > course.depth):
                continue
            course_ids = ids[course.pk]
            for block in blocks:
                if (
                    block.get("type") == "h5p"
                    and block.get("value")
                    and block["value"] not in course_ids
                ):
                    course_ids.append(block["value"])
    wanted = {pk for course_ids in ids.values() for pk in course_ids}
    by_id = H5PContent.objects.in_bulk(wanted) if wanted else {}
    return {
        pk: [by_id[i] for i in course_ids if i in by_id]
        for pk, course_ids in ids.items()
    }


def _graded_order() -> tuple[str, ...]:
    """Which finished attempt counts: the last one (H5P_GRADING_METHOD =
    "last") or the highest; the id breaks ties."""
    if getattr(settings, "H5P_GRADING_METHOD", "highest") == "last":
        return ("-finished_at", "-pk")
    return ("-scaled_score", "-finished_at", "-pk")


def graded_attempt(*, learner, content: H5PContent) -> H5PAttempt | None:
    """The finished attempt that counts for ``learner`` on ``content``
    (highest, or last with H5P_GRADING_METHOD = "last"), if any."""
    return (
        H5PAttempt.objects.filter(
            learner=learner, version__content=content, finished_at__isnull=False
        )
        .order_by(*_graded_order())
        .first()
    )


def graded_score(*, learner, content: H5PContent) -> Decimal | None:
    """The learner's graded percentage on ``content``, None if no attempt is
    finished."""
    attempt = graded_attempt(learner=learner, content=content)
    return attempt.scaled_score if attempt is not None else None


def graded_scores(*, learner_ids, content_ids) -> dict[tuple[int, int], Decimal | None]:
    """:func:`graded_score` for every (learner, content) pair that has a
    finished attempt, in one query: ``{(learner_id, content_id): score}``."""
    result: dict[tuple[int, int], Decimal | None] = {}
    rows = (
        H5PAttempt.objects.filter(
            learner_id__in=learner_ids,
            version__content_id__in=content_ids,
            finished_at__isnull=False,
        )
        .order_by(*_graded_order())
        .values_list("learner_id", "version__content_id", "scaled_score")
    )
    for learner_id, content_id, score in rows:
        # Rows come in grading order: the first of each pair is the one.
        result.setdefault((learner_id, content_id), score)
    return result


def h5p_requirement(enrolment) -> Requirement | None:
    """Completion check "h5p": every H5P exercise of the course reaches the
    course's minimum percentage. H5P scores are computed in the browser and
    can be forged, so this rule is for low-stakes completion only."""
    course = enrolment.course
    minimum = getattr(course, "min_h5p_percent", None)
    if minimum is None:
        return None
    contents = course_h5p_contents(course)
    if not contents:
        return None
    scores = {
        content.pk: graded_score(learner=enrolment.learner, content=content)
        for content in contents
    }
    return _h5p_requirement(contents, scores, minimum)


def h5p_requirements(enrolments) -> dict[int, Requirement | None]:
    """:func:`h5p_requirement` of many enrolments in three queries."""
    result: dict[int, Requirement | None] = {e.pk: None for e in enrolments}
    courses = {
        e.course_id: e.course
        for e in enrolments
        if getattr(e.course, "min_h5p_percent", None) is not None
    }
    if not courses:
        return result
    contents = courses_h5p_contents(courses.values())
    wanted = [e for e in enrolments if contents.get(e.course_id)]
    if not wanted:
        return result
    scores = graded_scores(
        learner_ids={e.learner_id for e in wanted},
        content_ids={c.pk for e in wanted for c in contents[e.course_id]},
    )
    for enrolment in wanted:
        course_contents = contents[enrolment.course_id]
        result[enrolment.pk] = _h5p_requirement(
            course_contents,
            {c.pk: scores.get((enrolment.learner_id, c.pk)) for c in course_contents},
            enrolment.course.min_h5p_percent,
        )
    return result


def _h5p_requirement(contents, scores, minimum) -> Requirement:
    reasons = []
    done = 0
    for content in contents:
        score = scores[content.pk]
        if score is not None and score >= minimum:
            done += 1
        else:
            reasons.append(
                _("Chưa đạt bài tập H5P “%(title)s” (cần từ %(min)s %% điểm).")
                % {"title": content.title, "min": minimum}
            )
    return Requirement(
        key="h5p",
        label=_("Bài tập H5P"),
        done=not reasons,
        reasons=reasons,
        progress=(done, len(contents)),
    )


def libraries_overview():
    """The library screen: every library with the contents that use it and
    its upgrades (four queries whatever the number of libraries).

    Returns (libraries, pending upgrades); each library carries ``contents``
    (titles, sorted) and ``upgrade_list`` (newest patch first).
    """
    from django.db.models import Prefetch

    from .models import H5PLibraryUpgrade

    upgrades = H5PLibraryUpgrade.objects.select_related(
        "uploaded_by", "decided_by"
    ).order_by("-patch")
    libraries = list(
        H5PLibrary.objects.select_related("approved_by")
        .prefetch_related(
            Prefetch("upgrades", queryset=upgrades, to_attr="upgrade_list")
        )
        .order_by("machine_name", "major", "minor")
    )
    usage: dict[int, set[str]] = {}
    rows = H5PContentVersion.libraries.through.objects.values_list(
        "h5plibrary_id", "h5pcontentversion__content__title"
    ).distinct()
    for library_id, title in rows:
        usage.setdefault(library_id, set()).add(title)
    pending = []
    for library in libraries:
        library.contents = sorted(usage.get(library.pk, ()))
        pending.extend(
            upgrade
            for upgrade in library.upgrade_list
            if upgrade.status == H5PLibraryUpgrade.Status.PENDING
        )
    return libraries, pending
