"""Writes about courses and enrolments."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Enrolment
from .selectors import enrolment_eligibility
from .signals import course_completed


@transaction.atomic
def enrolment_refresh(*, learner, course) -> Enrolment | None:
    """Re-evaluate completion after a learning record changed.

    Apps call this after they write a result (a lesson done, a quiz graded,
    attendance marked, an H5P attempt finished). Marks the enrolment
    completed (once) and sends ``course_completed`` on commit.
    """
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(learner=learner, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if enrolment is None:
        return None
    if enrolment.status == Enrolment.Status.COMPLETED:
        return enrolment
    if enrolment_eligibility(enrolment).complete:
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
        enrolment.save(update_fields=["status", "completed_at", "updated_at"])
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrolment, enrolment=enrolment)
        )
    elif enrolment.status == Enrolment.Status.ENROLLED:
        enrolment.status = Enrolment.Status.IN_PROGRESS
        enrolment.save(update_fields=["status", "updated_at"])
    return enrolment
