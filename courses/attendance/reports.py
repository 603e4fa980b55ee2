"""Figures of the attendance app for the reports (registered in apps.py).

- Attendance rate: sessions attended / sessions expected, for the members of
  training classes. Expected = every (member, session) pair of the member's
  classes whose session started in the period and by now (a session not yet
  held expects nobody). Attended = those pairs marked present or late, or
  excused when the class counts excused absences (the same rule as the
  class's own attendance percentage, docs/attendance.md). A session not
  marked for a member counts as not attended. By "record_unit", a pair
  counts under the unit its attendance record was made under, an unmarked
  pair under the member's unit now.
- Classes held: training classes with at least one session that started in
  the period and by now (a class only planned is not held yet) and at least
  one member among the learners in scope; per unit (either unit grouping) by
  the unit the class serves (a class serving no unit in particular falls
  under "Không xác định đơn vị"), per course, per month of its sessions.
- Trainers' activity (province dashboard): per trainer, classes led with a
  session in the period, sessions of those classes held, and sessions where
  the trainer marked attendance.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from elearning.reports.metrics import Figure, Period
from elearning.reports.providers import group_columns, held_by, record_unit

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    ClassMembership,
    ClassSession,
    TrainingClass,
)


def _pair_unit() -> Coalesce:
    """The unit of an expected (member, session) pair: that of its
    attendance record when it was marked, else the member's unit now."""
    marked = AttendanceRecord.objects.filter(
        session=OuterRef("training_class__sessions"), learner=OuterRef("learner")
    ).values("unit")[:1]
    return Coalesce(
        Subquery(marked), F("learner__profile__unit"), output_field=BigIntegerField()
    )


MEMBER_FIELDS = {
    "unit": "learner__profile__unit",
    "record_unit": _pair_unit(),
    "agency": "learner__profile__agency",
    "course": "training_class__course",
}
RECORD_FIELDS = {
    "unit": "learner__profile__unit",
    "record_unit": record_unit(),
    "agency": "learner__profile__agency",
    "course": "session__training_class__course",
}


def _held(prefix: str, period: Period) -> Q:
    end = min(period.end_before, timezone.now())
    return Q(
        **{
            f"{prefix}start__gte": period.start_at,
            f"{prefix}start__lt": period.end_before,
            f"{prefix}start__lte": end,
        }
    )


def _attended_q() -> Q:
    return Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]) | Q(
        status=AttendanceStatus.EXCUSED, session__training_class__count_excused=True
    )


def _count_by(queryset: QuerySet, field, count) -> dict:
    queryset = queryset.order_by()
    if field is None:
        return {None: queryset.aggregate(n=count)["n"] or 0}
    key = F(field) if isinstance(field, str) else field
    return {
        row["_key"]: row["n"]
        for row in queryset.values(_key=key).annotate(n=count).values("_key", "n")
    }


def _expected(learners, period) -> QuerySet:
    """One row per (membership, held session)."""
    return held_by(ClassMembership.objects.all(), learners).filter(
        _held("training_class__sessions__", period)
    )


def _attended(learners, period) -> QuerySet:
    return held_by(AttendanceRecord.objects.all(), learners).filter(
        _held("session__", period),
        _attended_q(),
        session__training_class__memberships__learner=F("learner"),
    )


def attendance_rate(learners, period, group) -> dict[Hashable, Figure] | None:
    if group != "total" and group not in MEMBER_FIELDS:
        return None
    expected = _count_by(
        _expected(learners, period), MEMBER_FIELDS.get(group), Count("pk")
    )
    attended = _count_by(
        _attended(learners, period), RECORD_FIELDS.get(group), Count("pk")
    )
    keys = set(expected) | set(attended)
    return {k: Figure(attended.get(k, 0), expected.get(k, 0)) for k in keys}


def attendance_rollup(learners, period, groups) -> dict[str, dict[str, dict]]:
    """The attendance rate for every group of ``groups`` it answers from
    two queries (expected, attended), each grouped by all of them: counts
    of (member, session) pairs add up over any grouping."""
    wanted = [g for g in groups if g == "total" or g in MEMBER_FIELDS]
    if not wanted:
        return {}

    def counts(queryset, fields):
        queryset, names = group_columns(
            queryset.order_by(), {g: fields[g] for g in wanted if g != "total"}
        )
        columns = list(dict.fromkeys(names.values()))
        if not columns:
            rows = [queryset.aggregate(n=Count("pk"))]
        else:
            rows = queryset.values(*columns).annotate(n=Count("pk"))
            rows = rows.values(*columns, "n")
        sums: dict[str, dict[Hashable, int]] = {g: {} for g in wanted}
        for row in rows:
            for g in wanted:
                key = None if g == "total" else row[names[g]]
                sums[g][key] = sums[g].get(key, 0) + (row["n"] or 0)
        return sums

    expected = counts(_expected(learners, period), MEMBER_FIELDS)
    attended = counts(_attended(learners, period), RECORD_FIELDS)
    result = {}
    for g in wanted:
        keys = set(expected[g]) | set(attended[g])
        if g == "total":
            keys.add(None)
        result[g] = {
            "attendance_rate": {
                k: Figure(attended[g].get(k, 0), expected[g].get(k, 0)) for k in keys
            }
        }
    return result


def attendance_people(learners, period, course_id=None) -> QuerySet:
    """Members who attended at least one session held in the period."""
    records = _attended(learners, period)
    if course_id is not None:
        records = records.filter(session__training_class__course_id=course_id)
    return learners.filter(pk__in=records.values("learner_id"))


def _classes(learners, period) -> QuerySet:
    return held_by(
        TrainingClass.objects.all(), learners, "memberships__learner"
    ).filter(_held("sessions__", period))


def classes_held(learners, period, group) -> dict[Hashable, Figure] | None:
    fields = {"unit": "unit", "record_unit": "unit", "course": "course"}
    qs = _classes(learners, period).order_by()
    if group == "total":
        return {None: Figure(qs.aggregate(n=Count("pk", distinct=True))["n"])}
    if group == "month":
        rows = qs.values(_key=TruncMonth("sessions__start")).annotate(
            n=Count("pk", distinct=True)
        )
        return {
            (r["_key"].date() if hasattr(r["_key"], "date") else r["_key"]): Figure(
                r["n"]
            )
            for r in rows
        }
    if group not in fields:
        return None
    rows = qs.values(_key=F(fields[group])).annotate(n=Count("pk", distinct=True))
    return {r["_key"]: Figure(r["n"]) for r in rows}


def classes_rollup(learners, period, groups) -> dict[str, dict[str, dict]]:
    """Classes held for every group of ``groups`` from ONE query: the
    (class, its unit, its course, month of a session) rows, each class
    then counted once per key here (a class has one unit and one course,
    but sessions in several months)."""
    wanted = [
        g for g in groups if g in ("total", "unit", "record_unit", "course", "month")
    ]
    if not wanted:
        return {}
    qs = _classes(learners, period).order_by()
    columns = ["pk", "unit", "course"]
    if "month" in wanted:
        qs = qs.annotate(_month=TruncMonth("sessions__start"))
        columns.append("_month")
    classes: dict[str, dict[Hashable, set[int]]] = {g: {} for g in wanted}
    for row in qs.values(*columns).distinct():
        for g in wanted:
            if g == "total":
                key = None
            elif g == "month":
                key = row["_month"]
                key = key.date() if hasattr(key, "date") else key
            else:
                key = row["course" if g == "course" else "unit"]
            classes[g].setdefault(key, set()).add(row["pk"])
    if "total" in classes:
        classes["total"].setdefault(None, set())
    return {
        g: {"classes_held": {k: Figure(len(ids)) for k, ids in per_key.items()}}
        for g, per_key in classes.items()
    }


def classes_people(learners, period, course_id=None) -> QuerySet:
    """Members (in scope) of the classes counted."""
    classes = _classes(learners, period)
    if course_id is not None:
        classes = classes.filter(course_id=course_id)
    return learners.filter(class_memberships__training_class__in=classes).distinct()


def trainer_activity(*, user, period: Period) -> list[dict]:
    """Per trainer: classes led, sessions held, sessions marked (3 queries)."""
    from elearning.people.models import User

    classes = TrainingClass.objects.visible_to(user)
    held = ClassSession.objects.filter(
        _held("", period), training_class__in=classes
    ).order_by()
    led = {
        r["trainer"]: r
        for r in held.values(trainer=F("training_class__trainers"))
        .annotate(
            classes=Count("training_class", distinct=True),
            sessions=Count("pk", distinct=True),
        )
        .filter(trainer__isnull=False)
    }
    marked = dict(
        AttendanceRecord.objects.filter(session__in=held, recorded_by__isnull=False)
        # A learner's own QR check-in is not a trainer's marking.
        .exclude(recorded_by=F("learner"))
        .order_by()
        .values("recorded_by")
        .annotate(n=Count("session", distinct=True))
        .values_list("recorded_by", "n")
    )
    ids = set(led) | set(marked)
    people = (
        User.objects.filter(pk__in=ids)
        .select_related("profile")
        .order_by("profile__sort_key", "email")
    )
    return [
        {
            "trainer": p,
            "name": getattr(getattr(p, "profile", None), "full_name", "") or p.email,
            "classes": led.get(p.pk, {}).get("classes", 0),
            "sessions": led.get(p.pk, {}).get("sessions", 0),
            "marked": marked.get(p.pk, 0),
        }
        for p in people
    ]


def trainer_table(user, period: Period):
    """Trainers' activity as a table of the province dashboard."""
    from django.utils.translation import gettext as _

    from elearning.reports.metrics import Metric
    from elearning.reports.selectors import Row, Table

    metrics = [
        Metric("trainer_classes", _("Số lớp đã dạy"), None),
        Metric("trainer_sessions", _("Số buổi học đã tổ chức"), None),
        Metric("trainer_marked", _("Số buổi đã điểm danh"), None),
    ]
    rows = [
        Row(
            item["name"],
            {
                "trainer_classes": Figure(item["classes"]),
                "trainer_sessions": Figure(item["sessions"]),
                "trainer_marked": Figure(item["marked"]),
            },
        )
        for item in trainer_activity(user=user, period=period)
    ]
    return Table(
        _("Hoạt động của giảng viên"), _("Giảng viên"), metrics, rows, export="trainer"
    )


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from elearning.reports.metrics import register_metric

    register_metric(
        key="attendance_rate",
        label=_("Tỷ lệ chuyên cần"),
        compute=attendance_rate,
        people=attendance_people,
        is_rate=True,
        order=70,
        additive=True,
        rollup=attendance_rollup,
    )
    register_metric(
        key="classes_held",
        label=_("Lớp tập huấn đã tổ chức"),
        compute=classes_held,
        people=classes_people,
        order=65,
        rollup=classes_rollup,
    )
    from elearning.reports.metrics import register_province_table

    register_province_table(key="trainer", build=trainer_table)
