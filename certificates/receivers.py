"""Signal receivers: a completed course gets its certificate, in the background."""

from __future__ import annotations

from django.db import transaction


def issue_on_completion(sender, enrolment, **kwargs) -> None:
    from .tasks import certificate_issue_for

    learner_id, course_id = enrolment.learner_id, enrolment.course_id
    transaction.on_commit(lambda: certificate_issue_for.delay(learner_id, course_id))
