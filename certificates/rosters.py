"""Who belongs to a training class, asked of the app that owns classes.

Training classes live in the attendance app. Rather than import it, the
certificates app asks a registered roster function, which that app registers
in its ``AppConfig.ready()``::

    from certificates.rosters import register_class_roster
    register_class_roster(lambda course, code: learner_ids_or_None)

The function returns the ids of the learners of class ``code`` of ``course``,
or ``None`` when there is no such class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Roster = Callable[[object, str], Iterable[int] | None]

_ROSTER: list[Roster] = []


def register_class_roster(fn: Roster) -> None:
    _ROSTER[:] = [fn]


def class_learner_ids(course, code: str) -> set[int] | None:
    """Learner ids of class ``code``; ``None`` if unknown or unsupported."""
    if not _ROSTER:
        return None
    ids = _ROSTER[0](course, code)
    return None if ids is None else set(ids)
