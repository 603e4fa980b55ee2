"""Load data for attendance: classes per district with sessions and records.

Each class follows one course for the learners of its district enrolled in
that course (up to its capacity); four sessions held over the past weeks,
every member marked by a trainer at every session; members who completed
the course attended every session (the class's 80 % rule counts for them).
"""

from __future__ import annotations

import datetime

from elearning.loaddata import LoadContext, bulk

from .models import (
    AttendanceMethod,
    AttendanceRecord,
    AttendanceStatus,
    ClassMembership,
    ClassSession,
    TrainingClass,
)

SESSIONS = 4
STATUSES = [
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
]
STATUS_WEIGHTS = [80, 8, 5, 7]


def generate(ctx: LoadContext) -> None:
    rng = ctx.rng
    others = ctx.courses[1:] or ctx.courses
    unit_of = {pk: unit_id for pk, _e, unit_id in ctx.learners}
    enrolled: dict[tuple[int, int], list[int]] = {}
    fates: dict[tuple[int, int], str] = {}
    for _eid, learner_id, course_id, fate, *_rest in ctx.enrolments:
        key = (unit_of.get(learner_id), course_id)
        enrolled.setdefault(key, []).append(learner_id)
        fates[learner_id, course_id] = fate
    classes, members = [], []
    for unit in ctx.districts:
        for k in range(ctx.size.classes):
            course = rng.choice(others)
            start = ctx.today - datetime.timedelta(days=rng.randint(20, 60))
            klass = TrainingClass(
                course_id=course.pk,
                code=f"{ctx.prefix}-{unit.code}-{k + 1}",
                name=f"Lớp tập huấn {course.title[:120]} – {unit.name}",
                unit_id=unit.pk,
                start_date=start,
                end_date=start + datetime.timedelta(days=SESSIONS - 1),
                place=f"Hội trường UBND {unit.full_name}",
                capacity=50,
            )
            chosen = enrolled.get((unit.pk, course.pk), [])[: klass.capacity]
            chosen += [pk for pk in ctx.also_enrol if pk not in chosen]
            classes.append(klass)
            members.append(chosen)
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
    unit_of = ctx.unit_ids({pk for chosen in members for pk in chosen})
    for klass, chosen in zip(classes, members, strict=True):
        for learner_id in chosen:
            # A completed course needs the class's attendance rate (80 %):
            # with four sessions, every one attended.
            done = fates.get((learner_id, klass.course_id)) == "completed"
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
                        unit_id=unit_of.get(learner_id),
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
