"""Load data for attendance: classes per unit with sessions and records.

Before the reform each 2018 district held ``size.classes`` classes, since
01/07/2025 each commune or ward does. A class follows one course for the
learners enrolled in it who belonged to the class's unit then (the district
their commune came from, enrolled before the reform, or the commune): up to
its capacity, found in one pass over the enrolments; a unit with nobody in
that course holds no class. Four sessions, every member marked by a trainer at
every session; members who completed the course attended every session (the
class's 80 % rule counts for them).
"""

from __future__ import annotations

import datetime

from elearning.loaddata import REFORM, LoadContext, bulk

from .models import (
    AttendanceMethod,
    AttendanceRecord,
    AttendanceStatus,
    ClassMembership,
    ClassSession,
    TrainingClass,
)

SESSIONS = 4
CAPACITY = 50
STATUSES = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
]
STATUS_WEIGHTS = [80, 8, 5, 7]


def _start(ctx: LoadContext, first: datetime.date, last: datetime.date):
    # One draw whatever the span, which moves with the clock.
    days = int(((last - first).days + 1) * ctx.rng.random())
    return first + datetime.timedelta(days=days)


def _members(ctx: LoadContext, wanted: set[tuple[bool, int, int]]):
    """Up to CAPACITY learners (id, fate) per (before the reform, unit id,
    course id) of ``wanted``, in enrolment order; a class of before the
    reform takes learners enrolled before it."""
    current = ctx.current_units()
    found: dict[tuple[bool, int, int], list[tuple[int, str]]] = {}
    for batch in ctx.enrolment_batches():
        for _eid, learner_id, course_id, fate, _done_at, enrolled_at in batch:
            keys = [(False, current.get(learner_id), course_id)]
            former = ctx.former.get(learner_id)
            if former is not None and enrolled_at < ctx.reform_at:
                keys.append((True, former, course_id))
            for key in keys:
                if key in wanted:
                    chosen = found.setdefault(key, [])
                    if len(chosen) < CAPACITY:
                        chosen.append((learner_id, fate))
    return found


def generate(ctx: LoadContext) -> None:
    rng = ctx.rng
    others = ctx.courses[1:] or ctx.courses
    last_before = REFORM - datetime.timedelta(days=SESSIONS)
    periods = [
        (True, ctx.districts, ctx.since.date(), last_before),
        (False, ctx.communes, REFORM, ctx.today - datetime.timedelta(days=20)),
    ]
    classes, keys = [], []
    for before, units, first, last in periods:
        for unit in units:
            for k in range(ctx.size.classes):
                course = rng.choice(others)
                start = _start(ctx, first, last)
                classes.append(
                    TrainingClass(
                        course_id=course.pk,
                        code=f"{ctx.prefix}-{unit.code}-{k + 1}",
                        name=f"Lớp tập huấn {course.title[:120]} – {unit.name}",
                        unit_id=unit.pk,
                        start_date=start,
                        end_date=start + datetime.timedelta(days=SESSIONS - 1),
                        place=f"Hội trường UBND {unit.full_name}",
                        capacity=CAPACITY,
                    )
                )
                keys.append((before, unit.pk, course.pk))
    found = _members(ctx, set(keys))
    held, members = [], []
    for klass, key in zip(classes, keys, strict=True):
        chosen = list(found.get(key, []))
        taken = {pk for pk, _fate in chosen}
        chosen += [(pk, "completed") for pk in ctx.also_enrol if pk not in taken]
        if chosen:  # a unit with nobody in that course holds no class of it
            held.append(klass)
            members.append(chosen)
    classes = held
    classes = bulk(TrainingClass, classes)
    trainers = []
    sessions = []
    for klass in classes:
        if ctx.trainers:
            for pk in rng.sample(ctx.trainers, min(2, len(ctx.trainers))):
                trainers.append(
                    TrainingClass.trainers.through(
                        trainingclass_id=klass.pk, user_id=pk
                    )
                )
        for day in range(SESSIONS):
            start = datetime.datetime.combine(
                klass.start_date + datetime.timedelta(days=day),
                datetime.time(8, 0),
                tzinfo=ctx.now.tzinfo,
            )
            sessions.append(
                ClassSession(
                    training_class_id=klass.pk,
                    start=start,
                    end=start + datetime.timedelta(hours=4),
                    place=klass.place,
                    topic=f"Buổi {day + 1}",
                )
            )
    bulk(TrainingClass.trainers.through, trainers)
    sessions = bulk(ClassSession, sessions)
    lead = {t.trainingclass_id: t.user_id for t in trainers}
    memberships, records = [], []
    by_class: dict[int, list] = {}
    for session in sessions:
        by_class.setdefault(session.training_class_id, []).append(session)
    for klass, chosen in zip(classes, members, strict=True):
        for learner_id, fate in chosen:
            # A completed course needs the class's attendance rate (80 %):
            # with four sessions, every one attended.
            done = fate == "completed"
            statuses, weights = (
                (STATUSES[:2], STATUS_WEIGHTS[:2])
                if done
                else (STATUSES, STATUS_WEIGHTS)
            )
            memberships.append(
                ClassMembership(training_class_id=klass.pk, learner_id=learner_id)
            )
            for session in by_class[klass.pk]:
                records.append(
                    AttendanceRecord(
                        session_id=session.pk,
                        learner_id=learner_id,
                        unit_id=ctx.unit_at(learner_id, session.start),
                        status=rng.choices(statuses, weights=weights)[0],
                        method=AttendanceMethod.TRAINER,
                        recorded_by_id=lead.get(klass.pk),
                        recorded_at=session.start,
                    )
                )
    bulk(ClassMembership, memberships)
    bulk(AttendanceRecord, records, batch_size=5000)
    ctx.count("classes", len(classes))
    ctx.count("sessions", len(sessions))
    ctx.count("class_members", len(memberships))
    ctx.count("attendance_records", len(records))
    ctx.say(
        f"Attendance: {len(classes)} classes, {len(sessions)} sessions, "
        f"{len(memberships)} members, {len(records)} records"
    )
