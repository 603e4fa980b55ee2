"""Completion rules as plug-ins: each app that holds learning records
(lessons here, quizzes, attendance, H5P) registers one check.

A check receives an enrolment and returns a :class:`Requirement`, or
``None`` when the course does not use that rule. ``course_eligibility`` in
``courses.selectors`` combines them; every view (learner, officer, trainer,
certificates) explains completion through that one function.

Apps register their check in ``AppConfig.ready()``::

    from courses.completion import register_check
    register_check("quizzes", quizzes_requirement)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Enrolment


@dataclass(frozen=True)
class Requirement:
    """One completion rule of one course, evaluated for one learner.

    ``reasons`` are translated sentences naming what is still missing
    ("Còn thiếu 2 buổi học", "Chưa đạt bài kiểm tra cuối khóa"); empty when
    ``done``. ``progress`` is (done, total) for a progress bar, ``score`` a
    percentage where the rule has one (the final quiz's grade).
    """

    key: str
    label: str
    done: bool
    reasons: list[str] = field(default_factory=list)
    progress: tuple[int, int] | None = None
    score: Decimal | None = None


Check = Callable[["Enrolment"], Requirement | None]

_CHECKS: dict[str, Check] = {}


def register_check(key: str, check: Check) -> None:
    """Register (or replace) the check for rule ``key``; order is kept."""
    _CHECKS[key] = check


def registered_checks() -> dict[str, Check]:
    return dict(_CHECKS)
