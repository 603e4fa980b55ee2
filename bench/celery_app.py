"""The project's Celery app plus a completion rule for benchmark learners.

Benchmark workers run ``celery -A bench.celery_app worker``: the real tasks,
with a completion check that says the benchmark's enrolments are complete
(the real rules live in apps not needed to measure issuing and rendering).
"""

from decimal import Decimal

from courses.completion import Requirement, register_check
from elearning.celery import app

BENCH_COURSE_CODE = "BENCH-GCN"


def _bench_check(enrolment):
    if enrolment.course.code != BENCH_COURSE_CODE:
        return None
    score = Decimal(50 + enrolment.learner_id % 50)
    return Requirement("bench", "Benchmark", True, [], None, score)


register_check("bench", _bench_check)

__all__ = ["app"]
