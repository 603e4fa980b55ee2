"""Completion rules as plug-ins: each app that holds learning records
(lessons here, quizzes, attendance, H5P) registers one check.

A check receives an enrolment and returns a :class:`Requirement`, or
``None`` when the course does not use that rule. ``course_eligibility`` in
``courses.selectors`` combines them; every view (learner, officer, trainer,
certificates) explains completion through that one function.

Apps register their check in ``AppConfig.ready()``::

    from courses.completion import register_check
    register_check("quizzes", quizzes_requirement, many=quizzes_requirements)

``many`` is optional: given a list of enrolments it returns each one's
requirement (``{enrolment.pk: Requirement | None}``) in a fixed number of
queries, whatever the number of enrolments. Pages that list many enrolments
(my courses, an officer's view of one learner) use it through
``courses.selectors.enrolments_eligibility``; it must give exactly what the
one-enrolment check gives. A check without ``many`` is called per enrolment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
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

    ``changes_at`` is when the result will change with nothing written, if
    it will: a class session starting counts as held from then on. Copies
    of the result (the learner's dashboard, ``courses.caching``) are kept
    no longer than that.
    """

    key: str
    label: str
    done: bool
    reasons: list[str] = field(default_factory=list)
    progress: tuple[int, int] | None = None
    score: Decimal | None = None
    changes_at: datetime | None = None
    # Facts behind the result, for whoever reads it (learner, officer,
    # trainer): which class, how many sessions, the next one.
    details: list[str] = field(default_factory=list)
    # Where to see or do what is missing (a class's page, a lesson).
    url: str = ""


Check = Callable[["Enrolment"], Requirement | None]
ManyCheck = Callable[[list["Enrolment"]], dict[int, Requirement | None]]

_CHECKS: dict[str, Check] = {}
_MANY: dict[str, ManyCheck] = {}


def register_check(key: str, check: Check, *, many: ManyCheck | None = None) -> None:
    """Register (or replace) the check for rule ``key``; order is kept.

    ``many`` is the same rule for a list of enrolments (see the module
    docstring); without it the rule is evaluated one enrolment at a time.
    """
    _CHECKS[key] = check
    if many is None:
        _MANY.pop(key, None)
    else:
        _MANY[key] = many


def registered_checks() -> dict[str, Check]:
    return dict(_CHECKS)


def registered_many_checks() -> dict[str, ManyCheck]:
    """The batch form of each rule that has one, by key."""
    return dict(_MANY)
