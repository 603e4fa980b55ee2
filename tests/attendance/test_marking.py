"""Trainer marking: idempotent, audited, and counted toward completion."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from courses.attendance.models import AttendanceRecord
from courses.attendance.selectors import attendance_requirement, attendance_summaries
from courses.attendance.services import attendance_mark
from courses.models import Enrolment
from courses.selectors import course_eligibility

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def mark(session, learner, status, by, note=None, now=None):
    return attendance_mark(
        session=session,
        learner=learner,
        status=status,
        method="trainer",
        recorded_by=by,
        note=note,
        now=now,
    )


def test_every_change_is_logged_with_old_and_new(sessions, member, trainer):
    mark(sessions[0], member, "absent", trainer)
    mark(sessions[0], member, "absent", trainer)  # same again: no entry
    mark(sessions[0], member, "excused", trainer, note="Ốm, có giấy")
    entries = ModelLogEntry.objects.filter(action="attendance.mark").order_by("pk")
    assert [(e.data["old"], e.data["new"]["status"]) for e in entries] == [
        (None, "absent"),
        ({"status": "absent", "note": "", "method": "trainer"}, "excused"),
    ]
    assert entries.last().user == trainer
    assert entries.last().data["new"]["note"] == "Ốm, có giấy"
    assert AttendanceRecord.objects.get().status == "excused"


def test_repeating_a_mark_changes_nothing(sessions, member, trainer):
    _record, changed = mark(sessions[0], member, "present", trainer)
    _record, changed_again = mark(sessions[0], member, "present", trainer)
    assert (changed, changed_again) == (True, False)


def test_learner_outside_class_cannot_be_marked(sessions, other_learner, trainer):
    with pytest.raises(ValidationError):
        mark(sessions[0], other_learner, "present", trainer)


def test_unknown_status_is_refused(sessions, member, trainer):
    with pytest.raises(ValidationError):
        mark(sessions[0], member, "here", trainer)


@pytest.mark.parametrize(
    ("count_excused", "statuses", "now", "expected"),
    [
        # 2 held (1 and 3 Dec), present + late → 100 %.
        (False, ["present", "late"], at(5, 12), Decimal("100.0")),
        # 4 held, present, excused, absent, none → 1/4.
        (False, ["present", "excused", "absent", None], at(12, 12), Decimal("25.0")),
        (True, ["present", "excused", "absent", None], at(12, 12), Decimal("50.0")),
        # 3 held, 2 counted → 66,7 %.
        (False, ["present", "late", None], at(9, 12), Decimal("66.7")),
        # Nothing held yet → no percentage.
        (False, [], at(1, 7), None),
    ],
    ids=["all-held", "excused-not-counted", "excused-counted", "rounding", "none-held"],
)
def test_attendance_percent(
    klass,
    sessions,
    member,
    trainer,
    count_excused,
    statuses,
    now,
    expected,
    time_machine,
):
    klass.count_excused = count_excused
    klass.save()
    time_machine.move_to(now)  # marked by then: the sessions have begun
    for session, status in zip(sessions, statuses, strict=False):
        if status:
            mark(session, member, status, trainer)
    summary = attendance_summaries(
        training_class=klass, learner_ids=[member.pk], now=now
    )[member.pk]
    assert summary.percent == expected


def test_percent_is_shown_the_vietnamese_way(
    klass, sessions, member, trainer, time_machine
):
    time_machine.move_to(at(9, 12))
    for session, status in zip(
        sessions[:3], ["present", "late", "absent"], strict=True
    ):
        mark(session, member, status, trainer)
    summary = attendance_summaries(
        training_class=klass, learner_ids=[member.pk], now=at(9, 12)
    )[member.pk]
    assert summary.percent_display == "66,7 %"


def test_requirement_reasons_and_completion(
    klass, sessions, member, trainer, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(12, 12))
    enrolment = Enrolment.objects.get(learner=member, course=klass.course)
    # 5 planned sessions, 80 % → 4 needed.
    mark(sessions[0], member, "present", trainer)
    mark(sessions[1], member, "absent", trainer)
    requirement = attendance_requirement(enrolment)
    assert requirement.done is False
    assert requirement.progress == (1, 4)
    # 4 held so far (1, 3, 8, 10 Dec): 1 of 4 → 25 %.
    assert requirement.reasons == [
        "Còn thiếu 3 buổi",
        "Tỷ lệ chuyên cần 25 % (cần ≥ 80 %)",
    ]
    for session in sessions[2:4]:
        mark(session, member, "late", trainer)
    assert attendance_requirement(enrolment).reasons[0] == "Còn thiếu 1 buổi"
    assert not course_eligibility(user=member, course=klass.course).complete
    # The last session is held on 15 December; marked the same day.
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(15, 11))
    mark(sessions[4], member, "present", trainer)
    requirement = attendance_requirement(enrolment)
    assert requirement.done and requirement.reasons == []
    # attendance_mark called enrolment_refresh: the enrolment is complete.
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_a_rate_already_met_is_not_given_as_a_reason(
    klass, sessions, member, trainer, monkeypatch
):
    """Present at every session held so far (100 %) with one still to come:
    the one reason is the missing session, not "100 % (cần ≥ 80 %)"."""
    # 5 planned, 4 needed; on 9 December three are held (1, 3, 8 Dec).
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(9, 12))
    enrolment = Enrolment.objects.get(learner=member, course=klass.course)
    for session in sessions[:3]:
        mark(session, member, "present", trainer)
    requirement = attendance_requirement(enrolment)
    assert requirement.done is False
    assert requirement.reasons == ["Còn thiếu 1 buổi"]


def test_course_minimum_wins_over_class_minimum(
    klass, sessions, member, trainer, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(12, 12))
    course = klass.course
    course.min_attendance_percent = 40  # the courses app adds this field
    enrolment = Enrolment.objects.get(learner=member, course=course)
    enrolment.course = course
    mark(sessions[0], member, "present", trainer)
    mark(sessions[1], member, "present", trainer)
    requirement = attendance_requirement(enrolment)
    # 5 planned × 40 % → 2 needed.
    assert requirement.done and requirement.progress == (2, 2)


def test_course_without_class_does_not_use_the_rule(course, learner):
    enrolment = Enrolment.objects.create(learner=learner, course=course)
    assert attendance_requirement(enrolment) is None


def test_a_session_not_begun_takes_only_a_leave_of_absence(
    sessions, member, trainer, time_machine
):
    """Present, late and absent are facts of a session that has begun (its
    check-in opens 30 minutes before); a leave of absence may come ahead."""
    from courses.attendance.models import AttendanceRecord

    time_machine.move_to(at(8, 7, 29))  # session 3 starts at 08:00 on 8/12
    for status in ("present", "late", "absent"):
        with pytest.raises(ValidationError, match="chưa bắt đầu"):
            mark(sessions[2], member, status, trainer)
    assert not AttendanceRecord.objects.exists()
    mark(sessions[2], member, "excused", trainer)
    time_machine.move_to(at(8, 7, 30))
    mark(sessions[2], member, "present", trainer)
    assert AttendanceRecord.objects.get().status == "present"
