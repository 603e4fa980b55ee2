"""Reads about courses that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .completion import Requirement, registered_checks


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


def course_eligibility(*, user, course) -> Eligibility:
    """The one function that says whether ``user`` completed ``course``."""
    from .models import Enrolment

    enrolment = (
        Enrolment.objects.filter(learner=user, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if enrolment is None:
        return Eligibility(False, [_("Chưa ghi danh khóa học này.")])
    return enrolment_eligibility(enrolment)


def enrolment_eligibility(enrolment) -> Eligibility:
    requirements = [
        requirement
        for check in registered_checks().values()
        if (requirement := check(enrolment)) is not None
    ]
    reasons = [reason for r in requirements for reason in r.reasons]
    complete = bool(requirements) and all(r.done for r in requirements)
    return Eligibility(complete, reasons, requirements)
