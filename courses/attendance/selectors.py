"""Reads about classes and attendance: access, percentages, reports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.completion import Requirement

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    ClassMembership,
    ClassSession,
    TrainingClass,
)


def format_percent(value: Decimal | None) -> str:
    """ "85,5 %" (the Vietnamese way); "—" when there is nothing to count."""
    if value is None:
        return "—"
    digits = 0 if value == value.to_integral_value() else 1
    return f"{number_format(value, digits)} %"


# --- Access ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionAccess:
    session: ClassSession
    can_edit: bool


def addable_learners(*, user, training_class: TrainingClass, members: bool = False):
    """The people ``user`` may put in the class: a province admin anyone; a
    trainer leading it the people of the unit the class serves (its
    subtree; anyone if it serves no unit in particular); an officer their
    own staff. Never the user, an inactive account or a self-registered one
    awaiting confirmation; those already in it only with ``members``."""
    from elearning.people.models import User

    people = User.objects.filter(is_active=True, profile__isnull=False).filter(
        profile__awaiting_confirmation=False
    )
    if user.is_province_admin:
        allowed = people
    else:
        allowed = people.none()
        if training_class.is_led_by(user):
            unit = training_class.unit
            allowed = (
                people.filter(profile__unit_id__in=unit.subtree_ids())
                if unit is not None
                else people
            )
        if user.is_unit_officer:
            allowed = allowed | people.visible_to(user)
    if not members:
        allowed = allowed.exclude(class_memberships__training_class=training_class)
    return (
        allowed.exclude(pk=user.pk)
        .select_related("profile")
        .order_by("profile__sort_key")
        .distinct()
    )


def class_for_user(*, user, code: str) -> TrainingClass:
    """The class ``code`` if ``user`` may see it; 404 otherwise."""
    klass = (
        TrainingClass.objects.visible_to(user)
        .select_related("course", "unit")
        .filter(code=code)
        .first()
    )
    if klass is None:
        raise Http404
    return klass


def session_for_user(*, user, code: str, session_id: int) -> SessionAccess:
    """A session of a class ``user`` may see, and whether they may mark it.

    Trainers of the class and province admins mark; an officer reads (their
    district's learners only, see :func:`session_roster`); anyone else, and
    a session of another class, gets 404.
    """
    klass = class_for_user(user=user, code=code)
    session = klass.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    session.training_class = klass
    can_edit = klass.is_led_by(user)
    if not can_edit and not user.is_unit_officer:
        raise Http404
    return SessionAccess(session, can_edit)


def class_members(*, user, training_class: TrainingClass):
    """Memberships of a class ``user`` may see, sorted the Vietnamese way."""
    qs = ClassMembership.objects.filter(training_class=training_class)
    if not training_class.is_led_by(user):
        qs = qs.visible_to(user)
    return qs.select_related(
        "learner__profile__agency", "learner__profile__unit"
    ).order_by("learner__profile__sort_key", "learner__email")


@dataclass
class RosterRow:
    learner: object
    record: AttendanceRecord | None

    @property
    def status(self) -> str:
        return self.record.status if self.record else ""

    @property
    def note(self) -> str:
        return self.record.note if self.record else ""


def session_roster(*, user, session: ClassSession) -> list[RosterRow]:
    members = list(class_members(user=user, training_class=session.training_class))
    records = {
        r.learner_id: r
        for r in AttendanceRecord.objects.filter(
            session=session, learner_id__in=[m.learner_id for m in members]
        )
    }
    return [RosterRow(m.learner, records.get(m.learner_id)) for m in members]


def class_learner_ids(course, code: str) -> list[int] | None:
    """Learner ids of class ``code`` of ``course``; ``None`` if there is none.

    The certificates app asks it who to issue to "by class" (this app knows
    nothing of certificates). A class of another course is no such class. The code is matched exactly: the certificate keeps it as a
    snapshot and exports filter on it. Scoping is the caller's: it intersects
    the ids with the learners it may see.
    """
    klass = (
        TrainingClass.objects.filter(course=course, code=code.strip())
        .only("pk")
        .first()
    )
    if klass is None:
        return None
    return list(
        ClassMembership.objects.filter(training_class=klass).values_list(
            "learner_id", flat=True
        )
    )


# --- Percentages -----------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    held: int
    present: int
    late: int
    excused: int
    absent: int
    counted: int

    @property
    def percent(self) -> Decimal | None:
        if not self.held:
            return None
        return (Decimal(self.counted * 100) / self.held).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def percent_display(self) -> str:
        return format_percent(self.percent)


def attendance_summaries(
    *,
    training_class: TrainingClass,
    learner_ids: list[int],
    now: datetime.datetime | None = None,
) -> dict[int, AttendanceSummary]:
    """Per learner: (present + late [+ excused]) / sessions held so far.

    A session is held once it has started; a held session without a record
    counts as absent. Two queries whatever the number of learners.
    """
    now = now or timezone.now()
    held = training_class.sessions.held(now).count()
    rows = (
        AttendanceRecord.objects.filter(
            session__training_class=training_class,
            session__start__lte=now,
            learner_id__in=learner_ids,
        )
        .values("learner_id")
        .annotate(**_STATUS_COUNTS)
    )
    by_learner = {r["learner_id"]: r for r in rows}
    return {
        learner_id: _summary(training_class, held, by_learner.get(learner_id))
        for learner_id in learner_ids
    }


_STATUS_COUNTS = {
    "present": Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
    "late": Count("pk", filter=Q(status=AttendanceStatus.LATE)),
    "excused": Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
}


def _summary(training_class, held: int, row) -> AttendanceSummary:
    r = row or {"present": 0, "late": 0, "excused": 0}
    counted = r["present"] + r["late"]
    if training_class.count_excused:
        counted += r["excused"]
    absent = held - r["present"] - r["late"] - r["excused"]
    return AttendanceSummary(
        held, r["present"], r["late"], r["excused"], absent, counted
    )


# Memberships newest class first; the id breaks ties between classes that
# start the same day, so one learner's "latest class" never depends on the
# order the database happens to return.
_MEMBERSHIP_ORDER = ("-training_class__start_date", "-pk")


def _memberships(**filters) -> list[ClassMembership]:
    """Memberships with their class and the class's session counts:
    ``_planned`` (all sessions) and ``_held`` (started by now), and
    ``_next_start``, when the next session starts (the counts change then).

    Two plain queries (the counts only when there are memberships): most
    learners belong to no class, and a dashboard asks for every learner.
    """
    memberships = list(
        ClassMembership.objects.filter(**filters)
        .select_related("training_class")
        .order_by(*_MEMBERSHIP_ORDER)
    )
    class_ids = {m.training_class_id for m in memberships}
    counts = {}
    if class_ids:
        now = timezone.now()
        counts = {
            row["training_class"]: row
            for row in ClassSession.objects.filter(training_class__in=class_ids)
            .order_by()
            .values("training_class")
            .annotate(
                planned=Count("pk"),
                held=Count("pk", filter=Q(start__lte=now)),
                next_start=Min("start", filter=Q(start__gt=now)),
            )
        }
    for membership in memberships:
        row = counts.get(membership.training_class_id, {})
        membership._planned = row.get("planned", 0)
        membership._held = row.get("held", 0)
        membership._next_start = row.get("next_start")
    return memberships


def _course_memberships(enrolment, *, course_id: int) -> list[ClassMembership]:
    """The learner's classes of the course, newest first.

    When the enrolment carries its learner (a page listing one learner's
    courses), all their memberships are read once and kept on that user
    object for the request, so a dashboard of N courses costs one query,
    not N.
    """
    if not type(enrolment).learner.is_cached(enrolment):
        return _memberships(
            learner_id=enrolment.learner_id, training_class__course_id=course_id
        )
    learner = enrolment.learner
    by_course = getattr(learner, "_class_memberships_by_course", None)
    if by_course is None:
        by_course = {}
        for membership in _memberships(learner_id=learner.pk):
            by_course.setdefault(membership.training_class.course_id, []).append(
                membership
            )
        learner._class_memberships_by_course = by_course
    return by_course.get(course_id, [])


def _records(class_ids, learner_ids, now) -> dict[tuple[int, int], dict]:
    if not class_ids:
        return {}
    return {
        (row["session__training_class"], row["learner_id"]): row
        for row in AttendanceRecord.objects.filter(
            session__training_class__in=class_ids,
            session__start__lte=now,
            learner_id__in=learner_ids,
        )
        .order_by()
        .values("session__training_class", "learner_id")
        .annotate(**_STATUS_COUNTS)
    }


def attendance_requirement(enrolment) -> Requirement | None:
    """The "attendance" completion rule for one enrolment.

    Every class of the course the learner belongs to counts (see
    :func:`_attendance_requirement`). A course none of whose classes hold
    the learner, and that sets no minimum itself, does not use the rule
    (``None``).
    """
    memberships = _course_memberships(enrolment, course_id=enrolment.course_id)
    records = _records(
        {m.training_class_id for m in memberships},
        [enrolment.learner_id],
        timezone.now(),
    )
    return _attendance_requirement(
        enrolment.course, memberships, records, enrolment.learner_id
    )


def attendance_requirements(enrolments) -> dict[int, Requirement | None]:
    """:func:`attendance_requirement` of many enrolments in three queries:
    the learners' memberships, their classes' session counts and their
    attendance records in those classes."""
    learner_ids = {e.learner_id for e in enrolments}
    by_key: dict[tuple[int, int], list[ClassMembership]] = {}
    for membership in _memberships(learner_id__in=learner_ids):
        key = (membership.learner_id, membership.training_class.course_id)
        by_key.setdefault(key, []).append(membership)
    classes = {m.training_class_id for found in by_key.values() for m in found}
    records = _records(classes, learner_ids, timezone.now())
    return {
        enrolment.pk: _attendance_requirement(
            enrolment.course,
            by_key.get((enrolment.learner_id, enrolment.course_id), []),
            records,
            enrolment.learner_id,
        )
        for enrolment in enrolments
    }


def _attendance_requirement(
    course, memberships: list[ClassMembership], records, learner_id: int
) -> Requirement | None:
    """Attendance over the learner's classes of ``course`` (newest first).

    Each class asks ceil(planned × minimum / 100) sessions, the minimum
    being the course's ``min_attendance_percent`` when it sets one, else
    the class's. The rule is done when one class's own count is reached,
    or when the sessions attended in all of them reach the newest class's
    (a learner moved to a later class keeps what they attended). Progress
    and reasons are the newest class's.
    """
    course_min = getattr(course, "min_attendance_percent", None)
    label = _("Chuyên cần")
    if not memberships:
        if course_min:
            return Requirement(
                "attendance",
                label,
                False,
                [_("Chưa có tên trong lớp tập huấn nào của khóa học.")],
                (0, 0),
            )
        return None
    lines = []
    for membership in memberships:
        klass = membership.training_class
        minimum = course_min if course_min is not None else klass.min_attendance_percent
        summary = _summary(klass, membership._held, records.get((klass.pk, learner_id)))
        needed = -(-membership._planned * int(minimum) // 100)
        lines.append((membership, klass, int(minimum), summary, needed))
    newest, klass, minimum, summary, needed = lines[0]
    url = reverse("attendance:class_detail", args=[klass.code])
    details = [_class_line(m, k, s) for m, k, _min, s, _n in lines]
    changes_at = min(
        (m._next_start for m, *_rest in lines if m._next_start is not None),
        default=None,
    )
    if not newest._planned:
        return Requirement(
            "attendance",
            label,
            False,
            [_("Lớp tập huấn chưa có buổi học nào.")],
            (0, 0),
            changes_at=changes_at,
            details=details,
            url=url,
        )
    counted = sum(s.counted for _m, _k, _min, s, _n in lines)
    met = next(
        ((s, n) for _m, _k, _min, s, n in lines if _m._planned and s.counted >= n),
        None,
    )
    done = met is not None or counted >= needed
    reasons = []
    if not done:
        missing = needed - counted
        reasons.append(
            ngettext("Còn thiếu %(n)d buổi", "Còn thiếu %(n)d buổi", missing)
            % {"n": missing}
        )
        # The rate is a reason only while it is below the minimum.
        if summary.percent is not None and summary.percent < Decimal(minimum):
            reasons.append(
                _("Tỷ lệ chuyên cần %(have)s (cần ≥ %(need)s)")
                % {
                    "have": format_percent(summary.percent),
                    "need": format_percent(Decimal(minimum)),
                }
            )
    progress = (met[1], met[1]) if met is not None else (min(counted, needed), needed)
    return Requirement(
        "attendance",
        label,
        done,
        reasons,
        progress,
        (met[0] if met is not None else summary).percent,
        changes_at,
        details,
        url,
    )


def _class_line(membership, klass, summary: AttendanceSummary) -> str:
    line = _(
        "Lớp %(code)s (%(start)s–%(end)s): dự %(counted)d/%(held)d buổi đã học, "
        "lớp có %(planned)d buổi"
    ) % {
        "code": klass.code,
        "start": formats.date_format(klass.start_date, "d/m/Y"),
        "end": formats.date_format(klass.end_date, "d/m/Y"),
        "counted": summary.counted,
        "held": summary.held,
        "planned": membership._planned,
    }
    if membership._next_start is not None:
        line += _("; buổi tới: %(when)s") % {
            "when": formats.date_format(
                timezone.localtime(membership._next_start), "H:i d/m/Y"
            )
        }
    return line + "."


# --- Reports ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionLine:
    session: ClassSession
    counts: dict[str, int]
    unmarked: int


def report_by_session(*, user, training_class: TrainingClass) -> list[SessionLine]:
    """Counts per status for each session, over the learners ``user`` sees."""
    member_ids = list(
        class_members(user=user, training_class=training_class).values_list(
            "learner_id", flat=True
        )
    )
    sessions = list(training_class.sessions.all())
    rows = (
        AttendanceRecord.objects.filter(
            session__training_class=training_class, learner_id__in=member_ids
        )
        .values("session_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {s.pk: {} for s in sessions}
    for r in rows:
        counts[r["session_id"]][r["status"]] = r["n"]
    return [
        SessionLine(
            s,
            {v: counts[s.pk].get(v, 0) for v in AttendanceStatus.values},
            len(member_ids) - sum(counts[s.pk].values()),
        )
        for s in sessions
    ]


def report_by_learner(
    *, user, training_class: TrainingClass, now: datetime.datetime | None = None
) -> list[tuple[ClassMembership, AttendanceSummary]]:
    members = list(class_members(user=user, training_class=training_class))
    summaries = attendance_summaries(
        training_class=training_class,
        learner_ids=[m.learner_id for m in members],
        now=now,
    )
    return [(m, summaries[m.learner_id]) for m in members]


@dataclass(frozen=True)
class UnitLine:
    unit_name: str
    learners: int
    reached: int
    average: Decimal | None


def report_by_unit(
    *, user, training_class: TrainingClass, now: datetime.datetime | None = None
) -> list[UnitLine]:
    """Per administrative unit of the learners: how many reached the class's
    minimum and the average percentage (scoped: an officer sees their own)."""
    lines: dict[str, list[AttendanceSummary]] = {}
    for membership, summary in report_by_learner(
        user=user, training_class=training_class, now=now
    ):
        profile = getattr(membership.learner, "profile", None)
        unit = profile.unit.full_name if profile and profile.unit else _("Chưa rõ")
        lines.setdefault(unit, []).append(summary)
    result = []
    for unit, summaries in sorted(lines.items()):
        percents = [s.percent for s in summaries if s.percent is not None]
        average = (
            (sum(percents) / len(percents)).quantize(Decimal("0.1"))
            if percents
            else None
        )
        reached = sum(
            1
            for s in summaries
            if s.percent is not None
            and s.percent >= training_class.min_attendance_percent
        )
        result.append(UnitLine(unit, len(summaries), reached, average))
    return result
