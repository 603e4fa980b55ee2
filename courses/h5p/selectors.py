"""Reads about H5P: what a course uses, a learner's graded results, and the
course completion check "h5p"."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from courses.completion import Requirement

from .models import H5PAttempt, H5PContent, H5PContentVersion, H5PLibrary


def playable_version(content: H5PContent) -> H5PContentVersion | None:
    """The newest version whose libraries are all approved."""
    for version in content.versions.order_by("-number").prefetch_related("libraries"):
        if all(
            lib.status == H5PLibrary.Status.APPROVED for lib in version.libraries.all()
        ):
            return version
    return None


def course_h5p_contents(course) -> list[H5PContent]:
    """The H5P exercises placed in the live lessons of ``course``, in order."""
    from courses.models import LessonPage

    ids: list[int] = []
    for body in (
        LessonPage.objects.live()
        .descendant_of(course)
        .order_by("path")
        .values_list("body", flat=True)
    ):
        for block in body.raw_data if hasattr(body, "raw_data") else body or []:
            if (
                block.get("type") == "h5p"
                and block.get("value")
                and block["value"] not in ids
            ):
                ids.append(block["value"])
    by_id = H5PContent.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def graded_score(*, learner, content: H5PContent) -> Decimal | None:
    """The learner's graded percentage on ``content`` (highest, or last with
    H5P_GRADING_METHOD = "last"), None if no attempt is finished."""
    attempts = H5PAttempt.objects.filter(
        learner=learner, version__content=content, finished_at__isnull=False
    )
    if getattr(settings, "H5P_GRADING_METHOD", "highest") == "last":
        attempt = attempts.order_by("-finished_at").first()
    else:
        attempt = attempts.order_by("-scaled_score", "-finished_at").first()
    return attempt.scaled_score if attempt is not None else None


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
    reasons = []
    done = 0
    for content in contents:
        score = graded_score(learner=enrolment.learner, content=content)
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
