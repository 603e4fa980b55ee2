import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from elearning.reports.metrics import Figure, Period, registered_metrics
from elearning.reports.selectors import (
    district_table,
    figures,
    learners_visible_to,
    month_table,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
YEAR = Period.year(2026)


def totals(user, unit=None):
    learners = learners_visible_to(user, unit=unit)
    return figures(learners, YEAR, "total", registered_metrics())[None]


def test_officer_figures_count_only_their_district(dataset, officer):
    row = totals(officer)
    assert row["staff_count"] == Figure(6)
    assert row["enrolled"] == Figure(6)
    assert row["in_progress"] == Figure(3)
    assert row["completed"] == Figure(3)
    assert row["completion_rate"] == Figure(3, 6)
    assert row["completion_rate"].percent == Decimal("50.0")


def test_other_officer_sees_their_own_district(dataset, other_officer):
    row = totals(other_officer)
    assert row["staff_count"] == Figure(6)
    assert row["enrolled"] == Figure(5)
    assert row["in_progress"] == Figure(0)
    assert row["completed"] == Figure(1)
    assert row["completion_rate"].percent == Decimal("20.0")


def test_per_course(dataset, officer):
    learners = learners_visible_to(officer)
    data = figures(learners, YEAR, "course", registered_metrics())
    a, b = data[dataset.course_a.pk], data[dataset.course_b.pk]
    assert (a["enrolled"], a["completed"], a["in_progress"]) == (
        Figure(5),
        Figure(3),
        Figure(2),
    )
    assert a["completion_rate"].percent == Decimal("60.0")
    assert (b["enrolled"], b["completed"], b["in_progress"]) == (
        Figure(1),
        Figure(0),
        Figure(1),
    )
    assert "staff_count" not in a


def test_last_year_counts_only_the_2025_enrolment(dataset, officer):
    learners = learners_visible_to(officer)
    row = figures(learners, Period.year(2025), "total", registered_metrics())[None]
    assert row["enrolled"] == Figure(1)
    assert row["completed"] == Figure(1)


def test_province_per_district_and_month(dataset, province_admin, units):
    learners = learners_visible_to(province_admin)
    table = district_table(learners, YEAR, registered_metrics())
    rows = {r.obj.code: r for r in table.rows if r.obj is not None}
    assert rows["741"].figures["enrolled"] == Figure(6)
    assert rows["731"].figures["completed"] == Figure(1)
    # Districts ended on 30/06/2025 with no successor recorded: those that
    # hold people stay, marked as ended; the others are not 2026 units.
    assert rows["741"].label == "Huyện Xuân Lộc (hết hiệu lực từ 01/07/2025)"
    assert "742" not in rows
    assert table.total.figures["enrolled"] == Figure(11)
    assert table.total.figures["completion_rate"] == Figure(4, 11)
    months = {
        r.obj.month: r.figures
        for r in month_table(learners, YEAR, registered_metrics()).rows
    }
    assert months[2]["enrolled"] == Figure(4)
    assert months[8]["enrolled"] == Figure(4)
    assert months[6]["completed"] == Figure(2)
    assert months[4]["completed"] == Figure(1)
    assert months[1]["completed"] == Figure(0)


def test_a_date_range(dataset, officer):
    import datetime

    period = Period(datetime.date(2026, 1, 1), datetime.date(2026, 5, 31))
    row = figures(learners_visible_to(officer), period, "total", registered_metrics())[
        None
    ]
    # x* and learner's A enrolled; learner's B enrolled 02/05.
    assert row["enrolled"] == Figure(6)
    # Only learner's A was completed by 31/05.
    assert row["completed"] == Figure(1)
    # x0 and x2 completed in June: in progress at the end of May.
    assert row["in_progress"] == Figure(5)


# --- Figures registered by the quizzes, attendance and certificates apps ---


def test_registered_by_their_own_apps():
    keys = [m.key for m in registered_metrics()]
    assert keys[-4:] == [
        "quiz_pass_rate",
        "classes_held",
        "attendance_rate",
        "certificates_issued",
    ]


def test_new_figures_per_district(dataset, officer, other_officer, province_admin):
    mine, theirs = totals(officer), totals(other_officer)
    assert mine["quiz_pass_rate"] == Figure(2, 3)
    assert mine["quiz_pass_rate"].percent == Decimal("66.7")
    assert mine["attendance_rate"] == Figure(5, 9)
    assert mine["attendance_rate"].percent == Decimal("55.6")
    assert mine["certificates_issued"] == Figure(2)
    assert mine["classes_held"] == Figure(1)
    assert theirs["quiz_pass_rate"] == Figure(1, 1)
    assert theirs["attendance_rate"] == Figure(1, 2)
    assert theirs["certificates_issued"] == Figure(1)
    everyone = totals(province_admin)
    assert everyone["quiz_pass_rate"] == Figure(3, 4)
    assert everyone["attendance_rate"] == Figure(6, 11)
    assert everyone["attendance_rate"].percent == Decimal("54.5")
    assert everyone["certificates_issued"] == Figure(3)
    assert everyone["classes_held"] == Figure(2)


def test_new_figures_add_up_per_unit_course_and_month(dataset, province_admin):
    learners = learners_visible_to(province_admin)
    table = district_table(learners, YEAR, registered_metrics())
    rows = {r.obj.code: r.figures for r in table.rows if r.obj is not None}
    assert rows["741"]["quiz_pass_rate"] == Figure(2, 3)
    assert rows["731"]["attendance_rate"] == Figure(1, 2)
    assert rows["741"]["certificates_issued"] == Figure(2)
    assert table.total.figures["quiz_pass_rate"] == Figure(3, 4)
    assert table.total.figures["attendance_rate"] == Figure(6, 11)
    per_course = figures(learners, YEAR, "course", registered_metrics())
    a, b = per_course[dataset.course_a.pk], per_course[dataset.course_b.pk]
    assert a["quiz_pass_rate"] == Figure(3, 4)
    assert a["attendance_rate"] == Figure(5, 9)
    assert a["certificates_issued"] == Figure(3)
    assert b["attendance_rate"] == Figure(1, 2)
    assert (a["classes_held"], b["classes_held"]) == (Figure(1), Figure(1))
    months = {
        r.obj.month: r.figures
        for r in month_table(learners, YEAR, registered_metrics()).rows
    }
    assert months[3]["classes_held"] == Figure(1)
    assert months[9]["classes_held"] == Figure(1)
    assert [months[m]["certificates_issued"] for m in (4, 6, 7)] == [Figure(1)] * 3
    assert months[5]["certificates_issued"] == Figure(0)


def test_last_year_is_separate(dataset, officer):
    row = figures(
        learners_visible_to(officer), Period.year(2025), "total", registered_metrics()
    )[None]
    assert row["quiz_pass_rate"] == Figure(1, 1)
    assert row["attendance_rate"] == Figure(1, 3)
    assert row["certificates_issued"] == Figure(1)


def test_requests_waiting_or_refused_are_not_enrolments(dataset, officer, units):
    """A request waiting for approval or a refused one was never an open
    enrolment: it is neither enrolled nor "in progress" (its status is not
    "enrolled"), by any grouping or month, nor a participant."""
    from courses.models import Enrolment
    from courses.reports import participants_by_category
    from tests.factories import make_person

    from .dataset import at, enrol

    asking = make_person(
        role="learner", unit=units["741"], full_name="Lê Văn Chờ", email="cho@x.vn"
    )
    refused = make_person(
        role="learner", unit=units["741"], full_name="Lê Văn Từ", email="tu@x.vn"
    )
    enrol(asking, dataset.course_b, created=at(2026, 5, 5), status="requested")
    enrol(refused, dataset.course_b, created=at(2026, 5, 5), status="refused")
    assert Enrolment.objects.filter(status__in=["requested", "refused"]).count() == 2
    row = totals(officer)
    assert row["enrolled"] == Figure(6)
    assert row["in_progress"] == Figure(3)
    assert row["staff_count"] == Figure(8)
    learners = learners_visible_to(officer)
    months = figures(learners, YEAR, "month", registered_metrics())
    assert datetime.date(2026, 5, 1) not in months or months[datetime.date(2026, 5, 1)][
        "enrolled"
    ] == Figure(1)
    by_unit = participants_by_category(learners, YEAR, "unit")
    assert sum(by_unit[units["741"].pk].values()) == 5


def test_a_class_is_held_once_a_session_has_started(dataset, units, officer, learner):
    """A class only planned in the period is not counted as held; it is as
    soon as its first session has started."""
    from courses.attendance.models import ClassMembership, ClassSession, TrainingClass

    now = timezone.now()
    today = timezone.localdate()
    soon = Period(
        today - datetime.timedelta(days=3), today + datetime.timedelta(days=30)
    )
    planned = TrainingClass.objects.create(
        course=dataset.course_a,
        code="ATTT-XL-KH",
        name="Lớp ATTT Xuân Lộc (kế hoạch)",
        unit=units["741"],
        start_date=today,
        end_date=today + datetime.timedelta(days=30),
    )
    ClassMembership.objects.create(training_class=planned, learner=learner)
    session_ = ClassSession.objects.create(
        training_class=planned,
        start=now + datetime.timedelta(days=2),
        end=now + datetime.timedelta(days=2, hours=3),
    )
    learners = learners_visible_to(officer)
    held = [m for m in registered_metrics() if m.key == "classes_held"]

    def count():
        return figures(learners, soon, "total", held)[None]["classes_held"]

    assert count() == Figure(0)
    session_.start = now - datetime.timedelta(hours=1)
    session_.end = now + datetime.timedelta(hours=2)
    session_.save()
    assert count() == Figure(1)
