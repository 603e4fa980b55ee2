"""Reads about courses that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Eligibility:
    """Whether a learner has completed a course, and if not, why not.

    ``reasons`` are translated, human sentences ("Còn 2 bài học chưa hoàn
    thành: ..."), shown as they are to learners, officers and trainers.
    """

    complete: bool
    reasons: list[str] = field(default_factory=list)


def course_eligibility(*, user, course) -> Eligibility:
    """The one function that says whether ``user`` completed ``course``."""
    from .models import Enrolment

    enrolment = Enrolment.objects.filter(learner=user, course=course).first()
    if enrolment is None:
        from django.utils.translation import gettext as _

        return Eligibility(False, [_("Chưa ghi danh khóa học này.")])
    complete = enrolment.status == Enrolment.Status.COMPLETED
    return Eligibility(complete, [])
