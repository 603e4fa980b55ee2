"""Every figure the reports show equals a naive recount of the records.

For several seeded random datasets (``random_dataset.py``) and three
periods (a year, a range that cuts months in two, one across the new
year), the figures shown by the province dashboard, district dashboards
(two officers, an officer choosing a commune, an admin choosing a ward),
the CSV exports and the yearly report's workbook (province and one
district, two years, tables and narrative) are compared cell by cell with
``reference.py``, which recounts them record by record from
docs/reports.md. A difference names the page, the table, the row and the
figure. docs/reports.md ("Reconciliation test") says how to add a case.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elearning.reports.metrics import registered_metrics
from elearning.reports.yearly import yearly_report_render
from tests.factories import reauthenticate

from . import random_dataset
from .reference import ANSWERS, METRICS, OPEN, RATES, Reference, Span, zero

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SEEDS = [11, 23, 37, 41]
SPANS = {
    "year": (
        Span(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        {"year": 2026},
    ),
    **{
        name: (
            Span(start, end),
            {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        )
        for name, (start, end) in (
            ("range", random_dataset.RANGE),
            ("across the new year", random_dataset.ACROSS),
        )
    },
}
NO_UNIT = "Không xác định đơn vị"
NO_AGENCY = "Không xác định cơ quan, đơn vị"
TOTAL = "Tổng cộng"


# --- Expected tables ----------------------------------------------------------


def nonzero(value) -> bool:
    """Some figure (a shown "0,0 %" is a rate with a base: it counts)."""
    return value not in (None, 0, (0, 0), "0", "")


def keyed(figures, group, metrics) -> dict:
    """``{key: {metric: value}}`` of one grouping, keys with some figure,
    every figure answering the grouping in each row."""
    answering = [m for m in metrics if group in ANSWERS[m]]
    keys = {
        key
        for m in answering
        for key, value in figures[m][group].items()
        if nonzero(value)
    }
    return {
        key: {m: figures[m][group].get(key, zero(m)) for m in answering} for key in keys
    }


def course_rows(ref, figures, metrics) -> dict:
    return {
        f"{ref.courses[k]['title']} ({ref.courses[k]['code']})": row
        for k, row in keyed(figures, "course", metrics).items()
        if k is not None
    }


def agency_rows(ref, figures, metrics) -> dict:
    """Per agency; people with no agency have a row of their own, last (the
    rows add up to the total)."""
    per_agency = keyed(figures, "agency", metrics)
    rows = {
        ref.agencies[k]["name"]: row for k, row in per_agency.items() if k is not None
    }
    if per_agency.get(None):
        rows[NO_AGENCY] = per_agency[None]
    return rows


def district_rows(ref, figures, metrics, day, *, group="unit", start=None) -> dict:
    """Per reporting unit: people by their unit now as on ``day`` (the
    dashboards), or records by the unit they were made under over the
    period from ``start`` (the yearly report)."""
    rows = {}
    for metric in metrics:
        per_unit = {k: v for k, v in figures[metric][group].items() if nonzero(v)}
        for label, value in ref.by_reporting_unit(per_unit, day, start).items():
            rows.setdefault(label, {})[metric] = (
                zero(metric) if value is None else value
            )
    for row in rows.values():
        for metric in metrics:
            row.setdefault(metric, zero(metric))
    return rows


def month_rows(figures, span, metrics) -> dict:
    return {
        f"{m:%m/%Y}": {k: figures[k]["month"].get(m, 0) for k in metrics}
        for m in span.months()
    }


def total_row(figures, metrics) -> dict:
    return {m: figures[m]["total"].get(None, zero(m)) for m in metrics}


# --- Reading what the product shows -------------------------------------------


def value_of(figure, is_rate):
    if figure is None:
        return None
    return (figure.value, figure.base or 0) if is_rate else figure.value


def context_rows(table) -> dict:
    rows = {}
    for row in [*table.rows, *([table.total] if table.total else [])]:
        rows[str(row.label)] = {
            m.key: value_of(row.figures.get(m.key), m.is_rate) for m in table.metrics
        }
    return rows


def same(expected: dict, actual: dict, where: str, problems: list) -> None:
    """Rows and cells equal; a missing figure or "—" counts as zero."""
    for label in sorted(set(expected) | set(actual)):
        if label in actual and label in expected:
            actual[label] = {
                k: zero_like(expected[label].get(k)) if v is None else v
                for k, v in actual[label].items()
            }
        if label not in actual:
            if any(nonzero(v) for v in expected[label].values()):
                problems.append(
                    f"{where}: row {label!r} missing, expected {expected[label]}"
                )
            continue
        if label not in expected:
            if any(nonzero(v) for v in actual[label].values()):
                problems.append(f"{where}: unexpected row {label!r} {actual[label]}")
            continue
        for metric in sorted(set(expected[label]) | set(actual[label])):
            want = expected[label].get(metric)
            got = actual[label].get(metric)
            if metric not in actual[label]:
                problems.append(f"{where}: {label!r} has no column {metric}")
            elif metric not in expected[label]:
                problems.append(f"{where}: {label!r} has an extra column {metric}")
            elif want != got:
                problems.append(
                    f"{where}: {label!r} {metric}: expected {want}, shown {got}"
                )


def zero_like(value):
    if isinstance(value, str):
        return "0" if value != "" and "," not in value else ""
    return (0, 0) if isinstance(value, tuple) else 0


def percent(value) -> str:
    """What a CSV shows for a figure: 12 or 40,0 (blank when no base)."""
    if isinstance(value, tuple):
        if not value[1]:
            return ""
        p = (Decimal(value[0]) * 100 / Decimal(value[1])).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        return str(p).replace(".", ",")
    return str(value or 0)


def shown(expected: dict) -> dict:
    return {
        label: {k: percent(v) for k, v in row.items()}
        for label, row in expected.items()
    }


TRAINER_COLUMNS = {
    "Số lớp đã dạy": "trainer_classes",
    "Số buổi học đã tổ chức": "trainer_sessions",
    "Số buổi đã điểm danh": "trainer_marked",
}


def labels() -> dict[str, str]:
    result = dict(TRAINER_COLUMNS)
    for m in registered_metrics():
        result[f"{m.label} (%)" if m.is_rate else str(m.label)] = m.key
    return result


def csv_rows(content: bytes) -> dict:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *body = list(csv.reader(io.StringIO(text[1:])))
    keys = [labels()[h] for h in header[1:]]
    return {
        row[0]: {
            k: (v if v != "" or k in RATES else "0")
            for k, v in zip(keys, row[1:], strict=True)
        }
        for row in body
    }


def xlsx_tables(content: bytes) -> dict[str, list[list]]:
    """``{caption: [header, *rows]}`` of a workbook written by ``write_sheet``."""
    sheet = load_workbook(io.BytesIO(content)).active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    tables, i = {}, 0
    while i < len(lines):
        first = lines[i][0]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (
            isinstance(first, str)
            and nxt
            and nxt[0]
            and any(isinstance(v, str) for v in nxt[1:])
        ):
            body, j = [], i + 1
            while j < len(lines) and lines[j][0] is not None:
                body.append(lines[j])
                j += 1
            tables[first] = body
            i = j
        else:
            i += 1
    return tables


def xlsx_rows(body: list[list], extra: dict[str, str] | None = None) -> dict:
    names = {**labels(), **(extra or {})}
    header, *rows = body
    keys = [names[h] for h in header[1:] if h is not None]
    result = {}
    for row in rows:
        cells = {}
        for k, v in zip(keys, row[1 : len(keys) + 1], strict=True):
            if k in RATES:
                cells[k] = (
                    "" if v is None else f"{Decimal(str(v)):.1f}".replace(".", ",")
                )
            else:
                cells[k] = str(v if v is not None else 0)
        result[row[0]] = cells
    return result


# --- The test -----------------------------------------------------------------


@pytest.fixture(params=SEEDS)
def world(request, units):
    return random_dataset.build(request.param, units)


def test_every_metric_has_a_reference():
    """A figure registered later must be added to reference.py first."""
    assert {m.key for m in registered_metrics()} == set(METRICS)


def want_trend(ref, people) -> dict:
    """Enrolled, completed and certificates issued of each year from the
    first enrolment's to this one (five at most), the years with any."""
    keys = ["enrolled", "completed", "certificates_issued"]
    this_year = ref.now.astimezone(random_dataset.TZ).year
    opened = [e["created_at"] for e in ref.enrolments if e["status"] in OPEN]
    first = max(min(opened).astimezone(random_dataset.TZ).year, this_year - 4)
    rows = {}
    for year in range(first, this_year + 1):
        span = Span(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        totals = total_row(ref.figures(people, span), keys)
        if any(totals.values()):
            rows[str(year)] = totals
    return rows


def test_dashboards_and_exports_equal_the_reference(world, client):
    ref = Reference()
    problems: list[str] = []
    metrics = [m.key for m in registered_metrics()]
    for name, (span, query) in SPANS.items():
        day = min(span.end, ref.now.astimezone(random_dataset.TZ).date())

        # Province dashboard (admin): per reporting unit, per month, per course.
        client.force_login(world.admin)
        response = client.get(reverse("reports:province"), query)
        assert response.status_code == 200
        everyone = ref.people(reader=world.admin)
        figures = ref.figures(everyone, span)
        district, month, course, trainer = response.context["tables"][:4]
        want_district = district_rows(ref, figures, metrics, day)
        want_district[TOTAL] = total_row(figures, metrics)
        same(
            want_district, context_rows(district), f"province/{name}/district", problems
        )
        month_keys = [m.key for m in month.metrics]
        assert set(month_keys) == {
            "enrolled",
            "completed",
            "classes_held",
            "certificates_issued",
        }
        want_month = month_rows(figures, span, month_keys)
        same(want_month, context_rows(month), f"province/{name}/month", problems)
        want_course = course_rows(ref, figures, metrics)
        same(want_course, context_rows(course), f"province/{name}/course", problems)
        want_trainer = {
            label: dict(
                zip(
                    ("trainer_classes", "trainer_sessions", "trainer_marked"),
                    v,
                    strict=True,
                )
            )
            for label, v in ref.trainer_activity(span).items()
        }
        same(want_trainer, context_rows(trainer), f"province/{name}/trainer", problems)
        trend = response.context["tables"][-1]
        same(want_trend(ref, everyone), context_rows(trend), "trend", problems)
        total = {
            m.key: value_of(response.context["total"].figures.get(m.key), m.is_rate)
            for m in registered_metrics()
        }
        same(
            {TOTAL: want_district[TOTAL]},
            {TOTAL: total},
            f"province/{name}/total",
            problems,
        )

        # The admin's exports of the same tables.
        reauthenticate(client)
        for table, want in (
            ("district", want_district),
            ("month", want_month),
            ("course", want_course),
            ("trainer", want_trainer),
        ):
            got = client.get(reverse("reports:export", args=[table, "csv"]), query)
            assert got.status_code == 200
            same(shown(want), csv_rows(got.content), f"csv/{name}/{table}", problems)

        # District officers (their unit's subtree only, the officer of W1
        # never sees W3's people although W3 was merged into W1) and an admin
        # choosing one unit: by course and agency, with the totals.
        w2 = world.units["W2"]
        readers = [
            *((f"officer {k}", o, {}, None) for k, o in world.officers.items()),
            ("admin W2", world.admin, {"unit": w2.pk}, ref.subtree(w2.pk)),
            (
                "officer 741 choosing C1",
                world.officers["741"],
                {"unit": world.units["C1"].pk},
                ref.subtree(world.units["C1"].pk),
            ),
        ]
        for key, reader, narrowed, unit_ids in readers:
            client.force_login(reader)
            people = ref.people(reader=reader, unit_ids=unit_ids)
            assert people < everyone
            figures = ref.figures(people, span)
            response = client.get(reverse("reports:dashboard"), {**query, **narrowed})
            assert response.status_code == 200
            by_course, by_agency = response.context["tables"]
            want_course = course_rows(ref, figures, metrics)
            want_agency = agency_rows(ref, figures, metrics)
            where = f"{key}/{name}"
            same(want_course, context_rows(by_course), f"{where}/course", problems)
            same(want_agency, context_rows(by_agency), f"{where}/agency", problems)
            total = {
                m.key: value_of(response.context["total"].figures.get(m.key), m.is_rate)
                for m in registered_metrics()
            }
            same(
                {TOTAL: total_row(figures, metrics)},
                {TOTAL: total},
                f"{where}/total",
                problems,
            )
            reauthenticate(client)
            for table, want in (("course", want_course), ("agency", want_agency)):
                got = client.get(
                    reverse("reports:export", args=[table, "csv"]),
                    {**query, **narrowed},
                )
                assert got.status_code == 200
                same(
                    shown(want), csv_rows(got.content), f"csv/{where}/{table}", problems
                )
    assert not problems, "\n".join(problems)


# --- The yearly report --------------------------------------------------------

COURSE_KEYS = ["enrolled", "completed", "classes_held", "certificates_issued"]
PLACE_TABLES = {
    "Kết quả học tập: tỷ lệ hoàn thành và tỷ lệ đạt bài kiểm tra": [
        "enrolled",
        "in_progress",
        "completed",
        "completion_rate",
        "quiz_pass_rate",
    ],
    "Giấy chứng nhận đã cấp": ["completed", "certificates_issued"],
    "Chuyên cần tại các lớp tập huấn": ["classes_held", "attendance_rate"],
}
CATEGORIES = {
    "Cán bộ": "can_bo",
    "Công chức": "cong_chuc",
    "Viên chức": "vien_chuc",
    "Cán bộ CNTT": "cntt",
    "Chưa phân loại": "",
}
PARTICIPANTS = "Tổng số người tham gia"


def project(rows: dict, keys) -> dict:
    return {label: {k: row[k] for k in keys if k in row} for label, row in rows.items()}


def with_total(rows: dict, total: dict) -> dict:
    return {**rows, TOTAL: total}


def summed(rows: dict, keys) -> dict:
    total = {k: zero_like(None) for k in keys}
    for row in rows.values():
        for k in keys:
            value = row.get(k, 0)
            total[k] = (
                (total[k][0] + value[0], total[k][1] + value[1])
                if isinstance(value, tuple)
                else (total[k] if not isinstance(total[k], tuple) else 0) + value
            )
    return total


def participant_rows(ref, people, span, places_of, places: dict) -> dict:
    """{place label: {category: n, participants: n, staff_count: n}}; a
    person counts once in each place ``places_of(uid)`` gives, once in the
    total."""
    rows = {
        label: {
            **dict.fromkeys(CATEGORIES.values(), 0),
            PARTICIPANTS: 0,
            "staff_count": row.get("staff_count", 0),
        }
        for label, row in places.items()
    }
    total = {**dict.fromkeys(CATEGORIES.values(), 0), PARTICIPANTS: 0}
    for uid, category in ref.participants(people, span).items():
        total[category] += 1
        total[PARTICIPANTS] += 1
        for label in places_of(uid):
            if label in rows:
                rows[label][category] += 1
                rows[label][PARTICIPANTS] += 1
    return rows, total


def number(value) -> str:
    """A figure as the narrative writes it: 1.234 or 85,5 % (— if no base)."""
    if isinstance(value, tuple):
        text = percent(value)
        return f"{text} %" if text else "—"
    return f"{value:,}".replace(",", ".")


def narrative(expected: dict, total: dict) -> list[str]:
    courses = expected["Các khóa bồi dưỡng và lớp tập huấn đã tổ chức"]
    people = expected["Số người tham gia theo đối tượng và địa bàn"][TOTAL]
    categories = "; ".join(
        f"{label}: {number(people[key])}"
        for label, key in CATEGORIES.items()
        if people[key]
    )
    return [
        f"Tổng số cán bộ, công chức, viên chức trên hệ thống: "
        f"{number(total['staff_count'])} người; số lượt ghi danh các khóa bồi "
        f"dưỡng: {number(total['enrolled'])}; số lượt hoàn thành: "
        f"{number(total['completed'])}, đạt tỷ lệ {number(total['completion_rate'])}; "
        f"số lượt đang học: {number(total['in_progress'])}.",
        f"Đã tổ chức {number(len(courses) - 1)} khóa bồi dưỡng và "
        f"{number(total['classes_held'])} lớp tập huấn; số người tham gia: "
        f"{number(people[PARTICIPANTS])} ({categories or '—'}).",
        f"Tỷ lệ đạt bài kiểm tra: {number(total['quiz_pass_rate'])}; tỷ lệ chuyên "
        f"cần tại các lớp tập huấn: {number(total['attendance_rate'])}; số giấy "
        f"chứng nhận đã cấp: {number(total['certificates_issued'])}.",
    ]


def check_workbook(content, expected: dict, where, problems, total=None):
    if total is not None:
        sheet = load_workbook(io.BytesIO(content)).active
        lines = {row[0] for row in sheet.iter_rows(values_only=True)}
        for sentence in narrative(expected, total):
            if sentence not in lines:
                problems.append(f"{where}: the narrative does not say {sentence!r}")
    tables = xlsx_tables(content)
    extra = dict(CATEGORIES)
    extra[PARTICIPANTS] = PARTICIPANTS
    for caption, want in expected.items():
        if caption not in tables:
            problems.append(f"{where}: no table {caption!r} in {list(tables)}")
            continue
        same(
            shown(want),
            xlsx_rows(tables[caption], extra),
            f"{where}/{caption}",
            problems,
        )


def yearly_expectations(ref, people, span, day, *, district: bool) -> dict:
    metrics = list(METRICS)
    figures = ref.figures(people, span)
    total = total_row(figures, metrics)
    courses = course_rows(ref, figures, metrics)
    if district:
        places = agency_rows(ref, figures, metrics)

        def places_of(uid):
            agency = ref.profiles[uid]["agency_id"]
            return {ref.agencies[agency]["name"] if agency else NO_AGENCY}
    else:
        # Each record under the unit it was made under, over the year.
        places = district_rows(
            ref, figures, metrics, day, group="record_unit", start=span.start
        )
        made_under = ref.participants_under(people, span)

        def places_of(uid):
            labels = set()
            for person, unit in made_under:
                if person == uid:
                    target = ref.reporting_unit(unit, day, span.start)
                    labels.add(ref.unit_label(target, day, span.start))
            return labels

    participants, by_category = participant_rows(ref, people, span, places_of, places)
    by_category["staff_count"] = total["staff_count"]
    expected = {
        "Các khóa bồi dưỡng và lớp tập huấn đã tổ chức": with_total(
            project(courses, COURSE_KEYS), summed(courses, COURSE_KEYS)
        ),
        "Số người tham gia theo đối tượng và địa bàn": with_total(
            participants, by_category
        ),
    }
    for caption, keys in PLACE_TABLES.items():
        if district:
            keys = [k for k in keys if k != "classes_held"]
        expected[caption] = with_total(
            project(places, keys), project({0: total}, keys)[0]
        )
    return expected, total


def test_yearly_report_equals_the_reference(world):
    ref = Reference()
    problems: list[str] = []
    for year in (2026, 2025):
        check_yearly(ref, world, year, problems)
    assert not problems, "\n".join(problems)


def check_yearly(ref, world, year, problems):
    span = Span(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    day = datetime.date(year, 12, 5)
    everyone = ref.people()
    content, _name = yearly_report_render(year=year, unit=None, fmt="xlsx")
    expected, total = yearly_expectations(ref, everyone, span, day, district=False)
    check_workbook(content, expected, f"yearly {year}/province", problems, total)

    # A district's report: the people of the units it holds on 5 December
    # (its predecessors and units merged into it included), per agency.
    district = world.units["W1"]
    people = {
        uid
        for uid in everyone
        if ref.reporting_unit(ref.profiles[uid]["unit_id"], day) == district.pk
    }
    content, _name = yearly_report_render(year=year, unit=district, fmt="xlsx")
    expected, total = yearly_expectations(ref, people, span, day, district=True)
    check_workbook(content, expected, f"yearly {year}/W1", problems, total)
