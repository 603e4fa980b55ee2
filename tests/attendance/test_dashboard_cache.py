"""The attendance rule and the learner's cached dashboard (courses/caching.py):
a mark, a session, a membership or a class edited is seen on the next view;
a cached dashboard does not outlive the start of the class's next session."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.attendance.models import ClassMembership, ClassSession
from courses.attendance.services import attendance_mark, class_membership_add
from courses.selectors import learner_dashboard

from .conftest import at

pytestmark = pytest.mark.django_db


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        learner_dashboard(user=user)
    return len(queries)


def _attendance(user):
    (row,) = learner_dashboard(user=user)
    return next(r for r in row.eligibility.requirements if r.key == "attendance")


@pytest.fixture
def two_members(klass, sessions, member, other_learner, province_admin):
    """``learner`` and ``other_learner`` in the class, dashboards cached."""
    class_membership_add(
        training_class=klass, learner=other_learner, added_by=province_admin
    )
    for user in (member, other_learner):
        learner_dashboard(user=user)
        assert _queries(user) == 0
    return member, other_learner


def test_rule_changes_when_the_next_session_starts(sessions, member, time_machine):
    # Midnight before the first session: every session is still to come.
    time_machine.move_to(at(1, 0), tick=False)
    requirement = _attendance(member)
    assert requirement.changes_at == min(s.start for s in sessions)


def test_a_mark_is_seen_at_once(two_members, sessions, trainer):
    learner, other = two_members
    attendance_mark(
        session=sessions[0],
        learner=learner,
        status="present",
        method="trainer",
        recorded_by=trainer,
        now=at(1, 8, 5),
    )
    assert _queries(learner) > 0
    assert _queries(other) == 0


def test_a_new_session_is_seen_by_every_member(two_members, klass):
    learner, other = two_members
    planned = _attendance(learner).progress
    ClassSession.objects.create(
        training_class=klass, start=at(20, 8), end=at(20, 11), topic="Buổi thêm"
    )
    assert _queries(learner) > 0 and _queries(other) > 0
    assert _attendance(learner).progress != planned


def test_a_class_edited_is_seen_by_every_member(two_members, klass):
    learner, other = two_members
    klass.min_attendance_percent = 100
    klass.save()
    assert _queries(learner) > 0 and _queries(other) > 0


def test_leaving_the_class_is_seen_at_once(two_members, klass):
    learner, other = two_members
    ClassMembership.objects.filter(training_class=klass, learner=learner).delete()
    assert _queries(learner) > 0
    assert _queries(other) == 0


def test_not_kept_past_the_next_session(two_members, klass, cache_timeouts):
    """A dashboard built before a session starts is not read after it."""
    from django.utils import timezone

    learner, _other = two_members
    kept = cache_timeouts("courses:dashboard:")
    soon = timezone.now() + datetime.timedelta(minutes=2)
    ClassSession.objects.create(
        training_class=klass, start=soon, end=soon + datetime.timedelta(hours=2)
    )
    assert _attendance(learner).changes_at == soon
    assert kept and 100 <= kept[-1] <= 120
