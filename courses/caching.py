"""A learner's enrolment in one course, with the lessons they have done,
kept in the cache between their page views.

The course and lesson pages each read it (the action button, the done marks,
whether a lesson is open); it changes only when the learner is enrolled,
withdrawn, completes, or marks a lesson done. Building it took two queries
and ~3 ms of CPU a page; read back from Redis it is one round trip.

Most course pages a learner opens are of courses they are not enrolled in
(the catalogue). So the status of each enrolment a learner has is kept too,
``{course id: status}`` under one key per learner, and read in the same
round trip: a course not among them needs no query at all, the first time
either. The enrolment itself is loaded (and kept) only for a course that
is. The catalogue reads the same statuses for its "enrolled" badges.

The copy is dropped whenever an enrolment or a lesson-progress row of that
learner and course is saved or deleted (signals, connected in
``CoursesConfig.ready``; cascades send them too), and by
:func:`forget_enrolments` where enrolments are written in bulk (the staff
import). It is dropped now and again when the transaction commits, and
expires after ``ENROLMENT_CACHE_TIMEOUT`` seconds in any case. With Redis
down every page reads the database.

One window is left: a page of the same learner and course that read the
database just before a change committed, and writes its copy just after
the change dropped the key, keeps the old state until the copy expires.
It needs two requests of one learner on one course within the same
millisecond or so; the expiry bounds it.

A learner's dashboard ("my courses": every enrolment with its completion
checks, four queries and ~15 ms of CPU) is kept as well, under a key that
names the learner's *records version*, the page tree's generation and the
language. Each app that holds learning records calls
:func:`learner_records_changed` when one of them is written (the signals
connected in its ``AppConfig.ready``): the learner gets a new version, now
and again when the transaction commits, and copies under the old one are
never read again. Unlike a dropped key this leaves no window: a copy
computed from the old records is stored under the old version. A copy is
kept no longer than ``LEARNER_CACHE_TIMEOUT`` seconds, nor past the moment
a completion rule says its result changes by itself (``changes_at``: a
class session starting).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from elearning import pagecache


def enrolment_key(learner_id, course_id) -> str:
    # Not the "courses:enrolment:" of earlier releases, which also held a
    # "none" marker: a copy left by one is never read as an enrolment.
    return f"courses:learner-enrolment:{learner_id}:{course_id}"


def statuses_key(learner_id) -> str:
    # {course id: status} of every enrolment the learner has.
    return f"courses:enrolment-statuses:{learner_id}"


def _timeout() -> int:
    return getattr(settings, "ENROLMENT_CACHE_TIMEOUT", 600)


def _statuses(learner_id, load_statuses, statuses: dict | None) -> dict:
    if statuses is None:
        statuses = dict(load_statuses())
        cache.set(statuses_key(learner_id), statuses, _timeout())
    return statuses


def cached_statuses(*, learner_id, load_statuses) -> dict:
    """``{course id: status}`` of every enrolment of ``learner_id``, from the
    cache or from ``load_statuses()`` (pairs of course id and status)."""
    return _statuses(learner_id, load_statuses, cache.get(statuses_key(learner_id)))


def cached_enrolment(*, learner_id, course_id, load, load_statuses):
    """The enrolment of ``learner_id`` in ``course_id`` (``None`` if none),
    from the cache or from ``load()``, which returns it with its
    ``progress`` prefetched. The learner's statuses (see
    :func:`cached_statuses`) are read in the same round trip: a course not
    among them needs no query."""
    key = enrolment_key(learner_id, course_id)
    found = cache.get_many([key, statuses_key(learner_id)])
    if key in found:
        return found[key]
    statuses = found.get(statuses_key(learner_id))
    if course_id not in _statuses(learner_id, load_statuses, statuses):
        return None
    value = load()
    if value is not None:
        cache.set(key, value, _timeout())
    return value


def forget_enrolments(pairs: Iterable[tuple[int, int]]) -> None:
    """Drop the cached enrolments of these (learner id, course id) pairs
    (and what is cached about those learners' results)."""
    pairs = list(pairs)
    keys = [enrolment_key(learner_id, course_id) for learner_id, course_id in pairs]
    keys += list(dict.fromkeys(statuses_key(learner_id) for learner_id, _ in pairs))
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
        learner_records_changed(learner_id for learner_id, _ in pairs)


# A learner's version outlives every copy made under it (at most
# LEARNER_CACHE_TIMEOUT); were it lost, the copies under "0" are long gone.
_VERSION_TIMEOUT = 7 * 24 * 3600


def _version_key(learner_id) -> str:
    return f"courses:learner-version:{learner_id}"


def learner_records_changed(learner_ids: Iterable[int]) -> None:
    """Whatever is cached about these learners' results is out of date: a
    learning record of theirs (enrolment, lesson, quiz attempt, attendance,
    H5P result, class) was written. Call it inside the writing transaction."""
    ids = {pk for pk in learner_ids if pk is not None}
    if not ids:
        return

    def new_version():
        version = secrets.token_hex(6)
        cache.set_many({_version_key(pk): version for pk in ids}, _VERSION_TIMEOUT)

    new_version()
    transaction.on_commit(new_version)


def cached_for_learner(name: str, *, learner_id, load: Callable[[], tuple]):
    """``load()`` returns ``(value, changes_at)``: the value is kept under
    the learner's records version, the page generation and the language,
    until ``changes_at`` (if not ``None``) and at most
    ``LEARNER_CACHE_TIMEOUT`` seconds. With Redis down, ``load()`` every
    time."""
    generation = pagecache.generation()
    if not generation:
        return load()[0]
    version = cache.get(_version_key(learner_id), "0")
    key = f"courses:{name}:{learner_id}:{version}:{generation}:{get_language()}"
    value = cache.get(key)
    if value is not None:
        return value
    value, changes_at = load()
    timeout = getattr(settings, "LEARNER_CACHE_TIMEOUT", 600)
    if changes_at is not None:
        timeout = min(timeout, int((changes_at - timezone.now()).total_seconds()))
    if timeout > 0:
        cache.set(key, value, timeout)
    return value


def _enrolment_changed(sender, instance, **kwargs):
    forget_enrolments([(instance.learner_id, instance.course_id)])


def _progress_changed(sender, instance, **kwargs):
    from .models import Enrolment

    enrolment = Enrolment.objects.filter(pk=instance.enrolment_id).values_list(
        "learner_id", "course_id"
    )
    forget_enrolments(enrolment)


def connect_learner_records(model, learner_ids: Callable) -> None:
    """Whenever a ``model`` row is saved or deleted, call
    :func:`learner_records_changed` for ``learner_ids(row)``. For the apps
    holding learning records, in their ``AppConfig.ready``."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, instance, **kwargs):
        learner_records_changed(learner_ids(instance))

    for signal in (post_save, post_delete):
        signal.connect(
            receiver,
            sender=model,
            weak=False,
            dispatch_uid=f"learner-records-{model._meta.label}-{signal}",
        )


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Enrolment, LessonProgress, LessonStudy

    for signal in (post_save, post_delete):
        signal.connect(
            _enrolment_changed, sender=Enrolment, dispatch_uid=f"enrolment-{signal}"
        )
        signal.connect(
            _progress_changed, sender=LessonProgress, dispatch_uid=f"progress-{signal}"
        )
    # Study time shows in the lessons rule's reasons ("cần học thêm 3 phút").
    connect_learner_records(LessonStudy, lambda study: [study.learner_id])
