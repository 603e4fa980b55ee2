"""A naive reference for every report figure (docs/reports.md, "Figures").

Written from the documentation, not from the production code: every row of
the tables involved is read once with ``.values()`` and the figures are
counted in plain Python, record by record. Slow and obvious on purpose: the
reconciliation test compares every cell the dashboards, the exports and the
yearly report show with what this module says.

Counts are ``int``; rates are ``(numerator, denominator)``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from certificates.models import Certificate
from courses.attendance.models import (
    AttendanceRecord,
    ClassMembership,
    ClassSession,
    TrainingClass,
)
from courses.models import CoursePage, Enrolment
from elearning.people.models import (
    AdministrativeUnit,
    Agency,
    StaffProfile,
    UnitSuccession,
    User,
)
from quizzes.models import Attempt, QuizPage

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

COUNTS = ("staff_count", "enrolled", "in_progress", "completed")
COUNTS += ("classes_held", "certificates_issued")
RATES = ("completion_rate", "quiz_pass_rate", "attendance_rate")
METRICS = (
    "staff_count",
    "enrolled",
    "in_progress",
    "completed",
    "completion_rate",
    "quiz_pass_rate",
    "classes_held",
    "attendance_rate",
    "certificates_issued",
)
# Which groupings each figure answers (docs/reports.md, "Figures"). "unit" is
# the person's unit now, "record_unit" the unit each record was made under
# (its own, or the person's unit now where it has none).
ANSWERS = {
    "staff_count": {"total", "unit", "record_unit", "agency"},
    "enrolled": {"total", "unit", "record_unit", "agency", "course", "month"},
    "in_progress": {"total", "unit", "record_unit", "agency", "course"},
    "completed": {"total", "unit", "record_unit", "agency", "course", "month"},
    "completion_rate": {"total", "unit", "record_unit", "agency", "course"},
    "quiz_pass_rate": {"total", "unit", "record_unit", "agency", "course"},
    "classes_held": {"total", "unit", "record_unit", "course", "month"},
    "attendance_rate": {"total", "unit", "record_unit", "agency", "course"},
    "certificates_issued": {
        "total",
        "unit",
        "record_unit",
        "agency",
        "course",
        "month",
    },
}
OPEN = {"enrolled", "in_progress", "completed"}  # an enrolment, not a request
ATTENDED = {"present", "late"}


@dataclass(frozen=True)
class Span:
    """Two dates, both included, as local instants [start_at, end_before)."""

    start: datetime.date
    end: datetime.date

    @property
    def start_at(self):
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=TZ)

    @property
    def end_before(self):
        after = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(after, datetime.time(), tzinfo=TZ)

    def holds(self, moment) -> bool:
        return moment is not None and self.start_at <= moment < self.end_before

    def months(self) -> list[datetime.date]:
        result = []
        y, m = self.start.year, self.start.month
        while datetime.date(y, m, 1) <= self.end:
            result.append(datetime.date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return result


def month_of(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(TZ).date().replace(day=1)


def zero(metric):
    return (0, 0) if metric in RATES else 0


def plus(a, b):
    if isinstance(a, tuple):
        return (a[0] + b[0], a[1] + b[1])
    return a + b


class Reference:
    def __init__(self, now: datetime.datetime | None = None):
        self.now = now or timezone.now()
        self.users = {
            u["id"]: u for u in User.objects.values("id", "is_active", "email")
        }
        self.profiles = {
            p["user_id"]: p
            for p in StaffProfile.objects.values(
                "user_id", "unit_id", "agency_id", "category", "full_name"
            )
        }
        self.units = {
            u["id"]: u
            for u in AdministrativeUnit.objects.values(
                "id",
                "code",
                "full_name",
                "level",
                "parent_id",
                "valid_from",
                "valid_to",
            )
        }
        self.successions = sorted(
            UnitSuccession.objects.values(
                "id", "predecessor_id", "successor_id", "effective_date"
            ),
            key=lambda s: (s["effective_date"], s["id"]),
        )
        self.agencies = {a["id"]: a for a in Agency.objects.values("id", "name")}
        self.courses = {
            c["id"]: c for c in CoursePage.objects.values("id", "title", "code", "path")
        }
        # A quiz's course is the course page right above it in the page tree.
        by_path = {c["path"]: c["id"] for c in self.courses.values()}
        steplen = QuizPage.steplen
        self.quizzes = {
            q["id"]: {**q, "course": by_path.get(q["path"][:-steplen])}
            for q in QuizPage.objects.values("id", "path", "counts_for_completion")
        }
        self.enrolments = list(
            Enrolment.objects.values(
                "learner_id",
                "course_id",
                "status",
                "created_at",
                "completed_at",
                "unit_id",
            )
        )
        self.attempts = list(
            Attempt.objects.values(
                "learner_id", "quiz_id", "state", "submitted_at", "passed", "unit_id"
            )
        )
        self.certificates = list(
            Certificate.objects.values(
                "learner_id", "course_id", "status", "issued_at", "unit_id"
            )
        )
        self.classes = {
            c["id"]: c
            for c in TrainingClass.objects.values(
                "id", "course_id", "unit_id", "count_excused"
            )
        }
        self.trainers = defaultdict(set)  # class → trainers
        for row in TrainingClass.trainers.through.objects.values(
            "trainingclass_id", "user_id"
        ):
            self.trainers[row["trainingclass_id"]].add(row["user_id"])
        self.members = defaultdict(set)  # class → learners
        for row in ClassMembership.objects.values("training_class_id", "learner_id"):
            self.members[row["training_class_id"]].add(row["learner_id"])
        self.sessions = list(
            ClassSession.objects.values("id", "training_class_id", "start")
        )
        self.records = {
            (r["session_id"], r["learner_id"]): r
            for r in AttendanceRecord.objects.values(
                "session_id", "learner_id", "status", "recorded_by_id", "unit_id"
            )
        }

    # --- Who is counted ----------------------------------------------------

    def subtree(self, unit_id) -> set[int]:
        """The unit and every unit beneath it (by parent links)."""
        result = {unit_id}
        changed = True
        while changed:
            more = {u for u, row in self.units.items() if row["parent_id"] in result}
            changed = not more <= result
            result |= more
        return result

    def people(self, *, reader=None, unit_ids=None, agency_id=None) -> set[int]:
        """Active people with a staff profile and a unit, that ``reader`` may
        see (an officer: the people of their unit's subtree, and themselves)."""
        result = set()
        visible = None
        if reader is not None and not reader.is_province_admin:
            own = self.profiles.get(reader.pk, {}).get("unit_id")
            visible = self.subtree(own) if own else set()
        for uid, profile in self.profiles.items():
            if not self.users[uid]["is_active"] or profile["unit_id"] is None:
                continue
            if visible is not None and not (
                profile["unit_id"] in visible or uid == reader.pk
            ):
                continue
            if unit_ids is not None and profile["unit_id"] not in unit_ids:
                continue
            if agency_id is not None and profile["agency_id"] != agency_id:
                continue
            result.add(uid)
        return result

    # --- Figures -----------------------------------------------------------

    def figures(self, people: set[int], span: Span) -> dict:
        """``{metric: {group: {key: value}}}`` for ``people`` over ``span``."""
        out = {
            m: {g: defaultdict(lambda m=m: zero(m)) for g in ANSWERS[m]}
            for m in METRICS
        }

        def add(metric, keys: dict, value):
            for group, key in keys.items():
                if group in out[metric]:
                    table = out[metric][group]
                    table[key] = plus(table[key], value)

        def holder(uid, made_under=None):
            p = self.profiles[uid]
            return {
                "total": None,
                "unit": p["unit_id"],
                "record_unit": made_under or p["unit_id"],
                "agency": p["agency_id"],
            }

        for uid in people:
            add("staff_count", holder(uid), 1)

        for e in self.enrolments:
            if e["learner_id"] not in people or e["status"] not in OPEN:
                continue
            created, completed = e["created_at"], e["completed_at"]
            if created >= span.end_before:
                continue
            if completed is not None and completed < span.start_at:
                continue
            keys = {**holder(e["learner_id"], e["unit_id"]), "course": e["course_id"]}
            done = span.holds(completed)
            add("enrolled", keys, 1)
            add("completion_rate", keys, (1 if done else 0, 1))
            if done:
                add("completed", keys, 1)
                add("completed", {"month": month_of(completed)}, 1)
            if e["status"] != "enrolled" and (
                completed is None or completed >= span.end_before
            ):
                add("in_progress", keys, 1)
            if span.holds(created):
                add("enrolled", {"month": month_of(created)}, 1)

        tried, passed = set(), set()
        # Per unit an attempt was made under: pairs counted under each unit.
        tried_under, passed_under = set(), set()
        for a in self.attempts:
            quiz = self.quizzes[a["quiz_id"]]
            if (
                a["learner_id"] not in people
                or not quiz["counts_for_completion"]
                or a["state"] == "in_progress"
                or not span.holds(a["submitted_at"])
            ):
                continue
            tried.add((a["learner_id"], a["quiz_id"]))
            made_under = holder(a["learner_id"], a["unit_id"])["record_unit"]
            tried_under.add((a["learner_id"], a["quiz_id"], made_under))
            if a["passed"]:
                passed.add((a["learner_id"], a["quiz_id"]))
                passed_under.add((a["learner_id"], a["quiz_id"], made_under))
        for uid, quiz_id in tried:
            keys = {**holder(uid), "course": self.quizzes[quiz_id]["course"]}
            del keys["record_unit"]
            add("quiz_pass_rate", keys, (1 if (uid, quiz_id) in passed else 0, 1))
        for pair in tried_under:
            add(
                "quiz_pass_rate",
                {"record_unit": pair[2]},
                (1 if pair in passed_under else 0, 1),
            )

        sessions_of = defaultdict(list)
        for s in self.sessions:
            sessions_of[s["training_class_id"]].append(s)
        for class_id, training_class in self.classes.items():
            in_span = [s for s in sessions_of[class_id] if span.holds(s["start"])]
            held = [s for s in in_span if s["start"] <= self.now]
            members = self.members[class_id] & people
            if held and members:
                add(
                    "classes_held",
                    {
                        "total": None,
                        "unit": training_class["unit_id"],
                        "record_unit": training_class["unit_id"],
                        "course": training_class["course_id"],
                    },
                    1,
                )
                for month in {month_of(s["start"]) for s in held}:
                    add("classes_held", {"month": month}, 1)
            for uid in members:
                for s in held:
                    record = self.records.get((s["id"], uid))
                    keys = {
                        **holder(uid, record["unit_id"] if record else None),
                        "course": training_class["course_id"],
                    }
                    status = record["status"] if record else None
                    came = status in ATTENDED or (
                        status == "excused" and training_class["count_excused"]
                    )
                    add("attendance_rate", keys, (1 if came else 0, 1))

        for c in self.certificates:
            if (
                c["learner_id"] in people
                and c["status"] == "valid"
                and span.holds(c["issued_at"])
            ):
                keys = {
                    **holder(c["learner_id"], c["unit_id"]),
                    "course": c["course_id"],
                }
                keys["month"] = month_of(c["issued_at"])
                add("certificates_issued", keys, 1)
        return out

    def participants(self, people: set[int], span: Span) -> dict:
        """People with an enrolment open in the span: ``{uid: category}``."""
        result = {}
        for e in self.enrolments:
            uid = e["learner_id"]
            if uid not in people or e["status"] not in OPEN:
                continue
            if e["created_at"] >= span.end_before:
                continue
            if e["completed_at"] is not None and e["completed_at"] < span.start_at:
                continue
            result[uid] = self.profiles[uid]["category"] or ""
        return result

    def participants_under(self, people: set[int], span: Span) -> set:
        """(person, unit their open enrolment was made under) pairs."""
        result = set()
        for e in self.enrolments:
            uid = e["learner_id"]
            if uid not in people or e["status"] not in OPEN:
                continue
            if e["created_at"] >= span.end_before:
                continue
            if e["completed_at"] is not None and e["completed_at"] < span.start_at:
                continue
            result.add((uid, e["unit_id"] or self.profiles[uid]["unit_id"]))
        return result

    # --- Units over time ---------------------------------------------------
    #
    # ``day`` alone: the units valid that day (the dashboards). With
    # ``start``: the units valid at some time from ``start`` to ``day`` (the
    # yearly report); only a unit that ended before ``start`` is followed
    # to its successor.

    def valid(self, unit_id, day, start=None) -> bool:
        u = self.units[unit_id]
        return u["valid_from"] <= day and (
            u["valid_to"] is None or u["valid_to"] >= (start or day)
        )

    def current(self, unit_id, day, start=None):
        """Follow successions in effect by ``day`` (the first on a split)."""
        seen = set()
        while not self.valid(unit_id, day, start) and unit_id not in seen:
            seen.add(unit_id)
            nxt = [
                s["successor_id"]
                for s in self.successions
                if s["predecessor_id"] == unit_id and s["effective_date"] <= day
            ]
            if not nxt:
                break
            unit_id = nxt[0]
        return unit_id

    def is_province(self, unit_id) -> bool:
        return self.units[unit_id]["level"] == "province"

    def reporting_unit(self, unit_id, day, start=None):
        """The unit directly under the province holding ``unit_id`` on ``day``."""
        if unit_id is None:
            return None
        unit_id = self.current(unit_id, day, start)
        seen = set()
        while not self.is_province(unit_id) and unit_id not in seen:
            parent = self.units[unit_id]["parent_id"]
            if parent is None or self.is_province(parent):
                break
            seen.add(unit_id)
            unit_id = self.current(parent, day, start)
        return unit_id

    def unit_label(self, unit_id, day, start=None) -> str:
        u = self.units[unit_id]
        if self.is_province(unit_id):
            return f"Cơ quan cấp tỉnh ({u['full_name']})"
        if self.valid(unit_id, day, start) or u["valid_to"] is None:
            return u["full_name"]
        after = u["valid_to"] + datetime.timedelta(days=1)
        return f"{u['full_name']} (hết hiệu lực từ {after:%d/%m/%Y})"

    def by_reporting_unit(self, per_unit: dict, day, start=None) -> dict:
        """``{unit key: value}`` rolled up to ``{row label: value}``; every
        reporting unit valid on ``day`` (with ``start``: on ``start``) has a
        row, the others only with data."""
        rows = {}
        for u in self.units:
            parent = self.units[u]["parent_id"]
            top = parent is None or self.is_province(parent)
            if not self.is_province(u) and top and self.valid(u, start or day):
                rows[self.unit_label(u, day, start)] = None
        for unit_id, value in per_unit.items():
            target = self.reporting_unit(unit_id, day, start)
            label = (
                "Không xác định đơn vị"
                if target is None
                else self.unit_label(target, day, start)
            )
            rows[label] = value if rows.get(label) is None else plus(rows[label], value)
        return rows

    # --- Trainers' activity (province dashboard) --------------------------

    def trainer_activity(self, span: Span) -> dict:
        """``{name: (classes, sessions, marked)}`` for an admin reader."""
        held = [
            s
            for s in self.sessions
            if span.holds(s["start"]) and s["start"] <= self.now
        ]
        classes, sessions, marked = defaultdict(set), defaultdict(set), defaultdict(set)
        for s in held:
            for trainer in self.trainers[s["training_class_id"]]:
                classes[trainer].add(s["training_class_id"])
                sessions[trainer].add(s["id"])
        held_ids = {s["id"] for s in held}
        for (session_id, learner), record in self.records.items():
            by = record["recorded_by_id"]
            # A learner's own QR check-in is not a trainer's marking.
            if session_id in held_ids and by is not None and by != learner:
                marked[by].add(session_id)
        result = {}
        for uid in set(classes) | set(marked):
            name = (
                self.profiles.get(uid, {}).get("full_name") or self.users[uid]["email"]
            )
            result[name] = (len(classes[uid]), len(sessions[uid]), len(marked[uid]))
        return result
