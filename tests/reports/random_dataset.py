"""Randomised datasets for the reconciliation test (seeded, small).

Every dataset has the same skeleton (units before and after the 2025
reform, successions during and after the year, three courses, four
training classes) and random people and records with the cases real data
has: several attempts at one quiz (fail then pass, pass then fail),
withdrawn, requested and refused enrolments, enrolments made in December
of the year before and completed before, inside or after the period,
revoked and re-issued certificates, deactivated users, people without an
agency, without a unit or without a profile, a learner moved to another
unit, classes with sessions still to come, and records exactly on the
bounds of the periods (00:00 and 23:59:59, Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.models import Locale, Page

from certificates.models import CertificateSeries
from courses.attendance.models import (
    AttendanceRecord,
    ClassMembership,
    ClassSession,
    TrainingClass,
)
from courses.models import CourseIndexPage, CoursePage, Enrolment
from elearning.people.models import (
    AdministrativeUnit,
    Agency,
    StaffCategory,
    StaffProfile,
    UnitSuccession,
)
from quizzes.models import Attempt, QuizPage
from tests.factories import UserFactory, make_person

from .dataset import certificate

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Level = AdministrativeUnit.Level
Kind = AdministrativeUnit.Kind
Status = Enrolment.Status

# The periods the test reconciles: a year and a range cutting months in two.
YEAR = 2026
RANGE = (datetime.date(2026, 3, 15), datetime.date(2026, 9, 14))
ACROSS = (datetime.date(2025, 12, 20), datetime.date(2026, 2, 10))


def local(y, mo, d, h=0, mi=0, s=0) -> datetime.datetime:
    return datetime.datetime(y, mo, d, h, mi, s, tzinfo=TZ)


# Instants on the bounds of the periods (and one second either side).
EDGES = [
    local(2025, 12, 31, 23, 59, 59),
    local(2026, 1, 1),
    local(2026, 12, 31, 23, 59, 59),
    local(2027, 1, 1),
    local(2026, 3, 14, 23, 59, 59),
    local(2026, 3, 15),
    local(2026, 9, 14, 23, 59, 59),
    local(2026, 9, 15),
    local(2025, 12, 1),  # December of the year before
    local(2025, 12, 20),
    local(2025, 12, 19, 23, 59, 59),
    local(2026, 2, 10, 23, 59, 59),
    local(2026, 2, 11),
]


@dataclass
class World:
    units: dict[str, AdministrativeUnit]
    officers: dict[str, object]
    admin: object
    courses: list
    people: list = field(default_factory=list)


def _unit(code, name, *, parent, level=Level.COMMUNE, kind=Kind.WARD, since, until):
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        full_name=f"Phường {name}" if kind == Kind.WARD else f"Xã {name}",
        level=level,
        kind=kind,
        parent=parent,
        valid_from=since,
        valid_to=until,
    )


def _units(units) -> dict[str, AdministrativeUnit]:
    """The 2018 districts (ended 30/06/2025) plus, under them and after them:

    - C1: a commune of Xuân Lộc (741), ended with it, no successor of its own;
    - W1, W2: wards under the province since 01/07/2025; 741 → W1, and
      731 split into W2 and W4 (the first successor, W2, takes its people);
    - W3: a ward merged into W1 on 01/07/2026 (during the year);
    - W4: a ward merged into W2 on 01/01/2027 (after the year);
    - 742 ended with no successor (keeps its own, labelled, row).
    """
    province = units["75"]
    reform = datetime.date(2025, 7, 1)
    made = dict(units)
    made["C1"] = _unit(
        "26701",
        "Suối Cát",
        parent=units["741"],
        kind=Kind.COMMUNE,
        since=datetime.date(2004, 7, 8),
        until=datetime.date(2025, 6, 30),
    )
    made["W1"] = _unit(
        "26801", "Xuân Lộc Mới", parent=province, since=reform, until=None
    )
    made["W2"] = _unit("26802", "Trấn Biên", parent=province, since=reform, until=None)
    made["W3"] = _unit(
        "26803",
        "Bảo Vinh",
        parent=province,
        since=reform,
        until=datetime.date(2026, 6, 30),
    )
    made["W4"] = _unit(
        "26804",
        "Tam Hiệp",
        parent=province,
        since=reform,
        until=datetime.date(2026, 12, 31),
    )
    merge = UnitSuccession.Kind.MERGE
    for pred, succ, kind, day in (
        ("741", "W1", merge, reform),
        ("731", "W2", UnitSuccession.Kind.SPLIT, reform),
        ("731", "W4", UnitSuccession.Kind.SPLIT, reform),
        ("W3", "W1", merge, datetime.date(2026, 7, 1)),
        ("W4", "W2", merge, datetime.date(2027, 1, 1)),
    ):
        UnitSuccession.objects.create(
            predecessor=made[pred], successor=made[succ], kind=kind, effective_date=day
        )
    return made


def _courses():
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code="vi")
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    a, b, c = (
        index.add_child(
            instance=CoursePage(title=title, slug=f"khoa-{code.lower()}", code=code)
        )
        for title, code in (
            ("An toàn thông tin cơ bản", "ATTT-CB"),
            ("Kỹ năng nhận diện lừa đảo", "LD"),  # no quiz at all
            ("An toàn thông tin nâng cao", "ATTT-NC"),
        )
    )
    quizzes = [
        a.add_child(instance=QuizPage(title="Cuối khóa", slug="cuoi-khoa")),
        a.add_child(
            instance=QuizPage(
                title="Luyện tập", slug="luyen-tap", counts_for_completion=False
            )
        ),
        c.add_child(instance=QuizPage(title="Phần 1", slug="phan-1")),
        c.add_child(instance=QuizPage(title="Phần 2", slug="phan-2")),
    ]
    return [a, b, c], quizzes


def _when(rng: random.Random) -> datetime.datetime:
    """An instant from November 2025 to January 2027, often on a bound."""
    if rng.random() < 0.3:
        return rng.choice(EDGES)
    start = local(2025, 11, 1)
    return start + datetime.timedelta(seconds=rng.randrange(0, 457 * 86400))


def build(seed: int, units, *, n: int = 30) -> World:
    rng = random.Random(seed)
    units = _units(units)
    now = timezone.now()
    admin = make_person(
        role="admin",
        unit=units["75"],
        full_name="Hoàng Văn Hải",
        email="hai.hv@stttt.example.gov.vn",
    )
    officers = {
        key: make_person(
            role="officer",
            unit=units[key],
            full_name=f"Cán Bộ {key}",
            email=f"officer-{key.lower()}@example.gov.vn",
        )
        for key in ("741", "W1")
    }
    trainers = [
        make_person(
            role="trainer",
            unit=units["75"],
            full_name=f"Giảng Viên {i}",
            email=f"gv{i}@example.gov.vn",
        )
        for i in range(2)
    ]
    courses, quizzes = _courses()
    places = ["741", "C1", "731", "742", "W1", "W2", "W3", "W4", "75"]
    agencies = {
        key: [
            Agency.objects.create(unit=units[key], name=f"Cơ quan {key}-{i}")
            for i in range(2)
        ]
        for key in places
    }
    categories = [c for c, _label in StaffCategory.choices] + [""]
    people = [*officers.values(), *trainers, admin]
    for i in range(n):
        user = UserFactory(email=f"p{seed}-{i}@example.gov.vn", role="learner")
        roll = rng.random()
        if roll < 0.05:
            people.append(user)  # no profile at all: never counted
            continue
        place = rng.choice(places)
        agency = None if rng.random() < 0.2 else rng.choice(agencies[place])
        StaffProfile.objects.create(
            user=user,
            full_name=f"Người Học {i:02d}",
            unit=None if roll < 0.1 else units[place],
            agency=None if roll < 0.1 else agency,
            category=rng.choice(categories),
        )
        if rng.random() < 0.1:
            user.is_active = False
            user.save(update_fields=["is_active"])
        people.append(user)

    # Enrolments.
    statuses = [
        Status.ENROLLED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.COMPLETED,
        Status.WITHDRAWN,
        Status.REQUESTED,
        Status.REFUSED,
    ]
    for person in people:
        for course in courses:
            if rng.random() < 0.45:
                continue
            status = rng.choice(statuses)
            created = _when(rng)
            completed = None
            if status == Status.COMPLETED:
                completed = max(created, _when(rng))
            enrolment = Enrolment.objects.create(
                learner=person, course=course, status=status
            )
            Enrolment.objects.filter(pk=enrolment.pk).update(
                created_at=created, completed_at=completed
            )

    # Attempts: 0–3 per (person, quiz), any mix of pass and fail.
    for person in people:
        for quiz in quizzes:
            tries = rng.choice([0, 0, 1, 1, 2, 3])
            day = _when(rng)
            for number in range(1, tries + 1):
                live = number == tries and rng.random() < 0.15
                passed = None if live else rng.random() < 0.5
                if not live and rng.random() < 0.1:
                    passed = None  # submitted, not graded yet
                state = rng.choice(["submitted", "submitted", "overdue_closed"])
                Attempt.objects.create(
                    learner=person,
                    quiz=quiz,
                    number=number,
                    started_at=day,
                    deadline=day + datetime.timedelta(minutes=20),
                    submitted_at=None if live else day,
                    state="in_progress" if live else state,
                    score=None if passed is None else (90 if passed else 40),
                    passed=passed,
                )
                day += datetime.timedelta(days=rng.randrange(1, 90))

    # Training classes: sessions before, inside, after the periods and to come.
    classes = []
    for code, course, unit, excused in (
        ("L-W1", courses[0], units["W1"], True),
        ("L-NONE", courses[2], None, False),
        ("L-742", courses[0], units["742"], False),
        ("L-C1", courses[1], units["C1"], rng.random() < 0.5),
    ):
        training_class = TrainingClass.objects.create(
            course=course,
            code=f"{code}-{seed}",
            name=f"Lớp {code}",
            unit=unit,
            start_date=datetime.date(2025, 11, 1),
            end_date=datetime.date(2027, 1, 31),
            count_excused=excused,
        )
        training_class.trainers.add(*rng.sample(trainers, rng.randint(0, 2)))
        starts = {_when(rng) for _ in range(rng.randint(1, 5))}
        if rng.random() < 0.6:
            starts.add(now + datetime.timedelta(days=rng.randint(1, 40)))
        sessions = [
            ClassSession.objects.create(
                training_class=training_class,
                start=start,
                end=start + datetime.timedelta(hours=2),
            )
            for start in sorted(starts)
        ]
        members = rng.sample(people, rng.randint(2, 10))
        for member in members:
            ClassMembership.objects.create(
                training_class=training_class, learner=member
            )
        outsider = rng.choice(people)  # marked but not (or no longer) a member
        for session_ in sessions:
            for person in [*members, outsider]:
                if rng.random() < 0.25 or (
                    person is outsider and person not in members and rng.random() < 0.5
                ):
                    continue
                if AttendanceRecord.objects.filter(
                    session=session_, learner=person
                ).exists():
                    continue
                AttendanceRecord.objects.create(
                    session=session_,
                    learner=person,
                    status=rng.choice(["present", "late", "excused", "absent"]),
                    method="trainer",
                    recorded_by=rng.choice([*trainers, None]),
                    recorded_at=session_.start,
                )
        classes.append(training_class)

    # Certificates: some revoked, some re-issued.
    series = {}
    number = 0
    for person in people:
        for course in courses:
            if rng.random() < 0.7:
                continue
            issued = _when(rng)
            year = timezone.localtime(issued).year
            if year not in series:
                series[year] = CertificateSeries.objects.create(
                    unit=units["75"], year=year
                )
            revoked = rng.random() < 0.25
            number += 1
            first = (
                certificate(
                    person, course, series[year], number, issued, revoked=revoked
                )
                if hasattr(person, "profile")
                else None
            )
            if revoked and rng.random() < 0.6:
                again = max(issued, _when(rng))
                year = timezone.localtime(again).year
                if year not in series:
                    series[year] = CertificateSeries.objects.create(
                        unit=units["75"], year=year
                    )
                number += 1
                second = certificate(person, course, series[year], number, again)
                second.replaces = first
                second.save(update_fields=["replaces"])

    _fixed_cases(units, agencies, courses, quizzes, classes, series, now)

    # A learner moved to another unit after their records were made.
    movable = [
        p
        for p in people
        if StaffProfile.objects.filter(user=p, unit__isnull=False).exists()
        and p not in officers.values()
        and p is not admin
    ]
    if movable:
        moved = rng.choice(movable)
        target = rng.choice(places)
        profile = StaffProfile.objects.get(user=moved)
        profile.agency = agencies[target][0]
        profile.save()
    return World(units, officers, admin, courses, people)


def _person(key, unit, agency, *, active=True, category=StaffCategory.CONG_CHUC):
    user = UserFactory(email=f"{key}@example.gov.vn", role="learner")
    StaffProfile.objects.create(
        user=user,
        full_name=f"Trường Hợp {key}",
        unit=unit,
        agency=agency,
        category=category,
    )
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def _enrol(person, course, status, created, completed=None):
    enrolment = Enrolment.objects.create(learner=person, course=course, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=created, completed_at=completed
    )


def _attempts(person, quiz, results, first):
    for number, passed in enumerate(results, start=1):
        at_ = first + datetime.timedelta(days=number - 1)
        Attempt.objects.create(
            learner=person,
            quiz=quiz,
            number=number,
            started_at=at_,
            deadline=at_ + datetime.timedelta(minutes=20),
            submitted_at=at_,
            state="submitted",
            score=90 if passed else 40,
            passed=passed,
        )


def _fixed_cases(units, agencies, courses, quizzes, classes, series, now):
    """The awkward cases every seed holds, whatever the dice said."""
    a, b, c = courses
    final, practice, part1, part2 = quizzes
    # In a ward merged into W1 during the year: fail then pass, pass then
    # fail, a practice quiz, enrolments on the bounds of the year.
    merged = _person("gop-w3", units["W3"], agencies["W3"][0])
    _attempts(merged, final, [False, True], local(2026, 3, 14, 23, 59, 59))
    _attempts(merged, part1, [True, False], local(2026, 9, 14, 23, 59, 59))
    _attempts(merged, practice, [True], local(2026, 5, 1, 9))
    _enrol(
        merged, a, Status.COMPLETED, local(2025, 12, 31, 23, 59, 59), local(2026, 1, 1)
    )
    _enrol(
        merged, c, Status.COMPLETED, local(2026, 1, 1), local(2026, 12, 31, 23, 59, 59)
    )
    _enrol(merged, b, Status.COMPLETED, local(2025, 12, 15), local(2027, 1, 1))
    # No agency, in the old commune of Xuân Lộc (ended, held by W1).
    lost = _person("khong-co-quan", units["C1"], None, category="")
    _enrol(
        lost, a, Status.COMPLETED, local(2025, 12, 1), local(2025, 12, 31, 23, 59, 59)
    )
    _enrol(lost, b, Status.IN_PROGRESS, local(2026, 3, 15))
    _enrol(lost, c, Status.REQUESTED, local(2026, 4, 1))
    _attempts(lost, part2, [True], local(2026, 1, 1))
    # Deactivated, with records everywhere: never counted.
    gone = _person("nghi-viec", units["W1"], agencies["W1"][1], active=False)
    _enrol(gone, a, Status.COMPLETED, local(2026, 2, 1), local(2026, 3, 1))
    _attempts(gone, final, [True], local(2026, 3, 1))
    # Certificates: revoked and re-issued, on the bounds.
    year, _made = CertificateSeries.objects.get_or_create(unit=units["75"], year=2026)
    revoked = certificate(merged, a, year, 9001, local(2026, 1, 1), revoked=True)
    again = certificate(merged, a, year, 9002, local(2026, 12, 31, 23, 59, 59))
    again.replaces = revoked
    again.save(update_fields=["replaces"])
    certificate(lost, a, year, 9003, local(2026, 9, 15))
    certificate(gone, a, year, 9004, local(2026, 3, 15))
    # A class whose only session is still to come, and one on the year's
    # first instant; members in scope and out of it.
    soon = TrainingClass.objects.create(
        course=c,
        code=f"L-SOON-{classes[0].pk}",
        name="Lớp sắp mở",
        unit=units["W2"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    future = ClassSession.objects.create(
        training_class=soon,
        start=now + datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1, hours=2),
    )
    first, _made = ClassSession.objects.get_or_create(
        training_class=classes[0],
        start=local(2026, 1, 1),
        defaults={"end": local(2026, 1, 1, 2)},
    )
    for person in (merged, lost, gone):
        ClassMembership.objects.get_or_create(training_class=soon, learner=person)
        ClassMembership.objects.get_or_create(training_class=classes[0], learner=person)
    AttendanceRecord.objects.filter(session=first, learner__in=[merged, lost]).delete()
    AttendanceRecord.objects.create(
        session=first,
        learner=merged,
        status="excused",
        method="trainer",
        recorded_at=first.start,
    )
    AttendanceRecord.objects.create(
        session=first,
        learner=lost,
        status="late",
        method="qr",
        recorded_at=first.start,
    )
    assert future.start > now
