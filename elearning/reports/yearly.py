"""The yearly report ("Báo cáo kết quả thực hiện Kế hoạch 83/KH-UBND năm N").

Figures for year N, each record under the unit it was made under, grouped
by the administrative units valid in year N (2025: the districts for what
was done until 30 June, the communes and wards after); a record of a unit
that had ended before the year began is counted under its successor. Staff
are counted under their unit now. A district's report (``unit``) covers the
people whose unit is in it on 5 December of year N (the day the report is
due). Rendered as XLSX (``elearning.spreadsheets``) or PDF (WeasyPrint,
Noto fonts from the Debian package, through ``elearning.pdf``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.reports import participants_by_category
from elearning.people.models import AdministrativeUnit
from elearning.people.names import fold
from elearning.spreadsheets import XlsxBook

from . import conf, exports
from .metrics import Figure, Metric, Period, registered_metrics
from .selectors import (
    Row,
    Table,
    UnitMap,
    add_up,
    agency_table,
    course_table,
    district_table,
    learners_where,
    prefetch,
    summary,
)
from .templatetags.reports_tags import format_figure

Progress = Callable[[int], None]


def report_day(year: int) -> datetime.date:
    month, day = conf.get("REPORTS_YEARLY_DUE")
    return datetime.date(year, month, day)


def report_filename(
    year: int,
    unit: AdministrativeUnit | None,
    province: AdministrativeUnit | None = None,
) -> str:
    """A name a reader can tell apart in a folder of downloads, without
    its extension: ``bao-cao-nam-2026-huyen-xuan-loc``,
    ``bao-cao-nam-2026-tinh-dong-nai``."""
    place = unit or province
    name = slugify(fold(place.full_name)) if place is not None else "toan-tinh"
    return f"bao-cao-nam-{year}-{name}"


def province_body(day: datetime.date):
    """The province's issuing body (``certificates.Issuer``) in force on
    ``day``, or None (the settings' names are used then)."""
    from certificates.selectors import issuer_on

    return issuer_on(day)


def report_year_default(today: datetime.date) -> int:
    """The year a report is asked for by default: the current year, but in
    January the year just ended, whose report is still being closed."""
    return today.year - 1 if today.month == 1 else today.year


def figures_day(year: int, today: datetime.date) -> datetime.date:
    """The last day the figures of ``year`` include when made on ``today``:
    today during the year, 31 December once the year has ended."""
    return min(today, datetime.date(year, 12, 31))


def document_day(year: int, today: datetime.date) -> datetime.date:
    """The date the document carries: the due day when made by then, else
    the day it is made (a late report is not dated back)."""
    return max(report_day(year), today)


def document_date(day: datetime.date) -> str:
    return _("ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "d": day.day,
        "m": day.month,
        "y": day.year,
    }


@dataclass
class YearlyReport:
    year: int
    unit: AdministrativeUnit | None
    province: AdministrativeUnit | None
    day: datetime.date
    superior: str
    issuer: str
    number: str
    place_date: str
    title: str
    narrative: list[str]
    tables: list[Table]
    total: Row

    @property
    def filename(self) -> str:
        return report_filename(self.year, self.unit, self.province)


def _learners_of(unit_map: UnitMap, unit: AdministrativeUnit | None):
    if unit is None:
        return learners_where()
    unit_ids = [
        pk
        for pk in unit_map.units
        if (d := unit_map.district(pk)) is not None and d.pk == unit.pk
    ]
    return learners_where(unit_ids=unit_ids)


# The tables of the report (issue #9): which figures each one shows. A figure
# another app registers later and no table names goes to "other figures".
PLACE_TABLES = (
    (
        "results",
        ("enrolled", "in_progress", "completed", "completion_rate", "quiz_pass_rate"),
    ),
    ("certificates", ("completed", "certificates_issued")),
    ("attendance", ("classes_held", "attendance_rate")),
)
COURSE_KEYS = ("enrolled", "completed", "classes_held", "certificates_issued")
NO_CATEGORY = ""


def _view(table: Table, keys, caption: str, *, head: str | None = None) -> Table:
    """The same rows, showing only the figures ``keys`` (in that order)."""
    by_key = {m.key: m for m in table.metrics}
    return Table(
        caption,
        head or table.head,
        [by_key[k] for k in keys if k in by_key],
        table.rows,
        table.total,
        table.export,
    )


def _holds(row: Row, keys) -> bool:
    return any(
        (f := row.figures.get(k)) is not None and (f.value or f.base) for k in keys
    )


def _participants(
    learners, period, by_place: Table, unit_map: UnitMap | None
) -> tuple[Table, dict[str, int]]:
    """Participants by staff category, per row of ``by_place``: per unit an
    enrolment was made under (a person whose enrolments of the year were
    made under two units is a participant of both; the total counts them
    once: two queries), or per agency (one query)."""
    from elearning.people.models import StaffCategory

    group = "record_unit" if unit_map is not None else "agency"
    data = participants_by_category(learners, period, group)
    categories = [*StaffCategory.choices, (NO_CATEGORY, _("Chưa phân loại"))]
    per_row: dict[int | None, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for key, counts in data.items():
        if unit_map is not None:
            target = unit_map.district(key)
            key = target.pk if target is not None else None
        row = per_row.setdefault(key, {})
        for category, n in counts.items():
            row[category] = row.get(category, 0) + n
            totals[category] = totals.get(category, 0) + n
    if unit_map is not None:
        totals = participants_by_category(learners, period, "total").get(None, {})

    def figures_of(counts: dict[str, int], staff) -> dict[str, Figure]:
        result = {f"category_{c}": Figure(counts.get(c, 0)) for c, _l in categories}
        result["participants"] = Figure(sum(counts.values()))
        if staff is not None:
            result["staff_count"] = staff
        return result

    metrics = [
        Metric("staff_count", _("Số cán bộ, công chức, viên chức"), None),
        *(Metric(f"category_{c}", str(label), None) for c, label in categories),
        Metric("participants", _("Tổng số người tham gia"), None),
    ]
    rows = [
        Row(
            r.label,
            figures_of(
                per_row.get(getattr(r.obj, "pk", None), {}),
                r.figures.get("staff_count"),
            ),
            r.params,
            r.obj,
        )
        for r in by_place.rows
        if r.obj is not None or _holds(r, ["staff_count"])
    ]
    total = Row(
        _("Tổng cộng"),
        figures_of(totals, by_place.total.figures.get("staff_count")),
    )
    table = Table(
        _("Số người tham gia theo đối tượng và địa bàn"),
        by_place.head,
        metrics,
        rows,
        total,
    )
    named = {str(label): totals.get(c, 0) for c, label in categories}
    return table, named


def yearly_report_build(
    *, year: int, unit: AdministrativeUnit | None = None, progress: Progress = None
) -> YearlyReport:
    """Collect the figures (a constant number of aggregate queries)."""
    progress = progress or (lambda _p: None)
    day = report_day(year)
    today = timezone.localdate()
    period = Period.year(year)
    metrics = registered_metrics()
    # The units of the whole year: a record is counted under the unit it
    # was made under while that unit was valid (the reform of 01/07/2025
    # splits 2025 between districts and communes).
    unit_map = UnitMap(day, start=period.start)
    province = unit_map.province()
    learners = _learners_of(unit_map.on_day(), unit)
    progress(20)
    # One pass over each table of records for both groupings.
    known = prefetch(
        learners,
        period,
        ("record_unit" if unit is None else "agency", "course", "total"),
        metrics,
    )
    if unit is None:
        by_place = district_table(
            learners,
            period,
            metrics,
            day=day,
            known=known,
            group="record_unit",
            unit_map=unit_map,
        )
    else:
        # People with no agency get a row of their own: the rows add up to
        # the district's total.
        by_place = agency_table(
            learners, period, metrics, known=known, with_unknown=True
        )
        by_place.total = Row(_("Tổng cộng"), add_up(r.figures for r in by_place.rows))
    progress(50)
    by_course = course_table(learners, period, metrics, known=known)
    by_course.total = Row(_("Tổng cộng"), add_up(r.figures for r in by_course.rows))
    progress(70)
    # The additive figures are the sums of the place table; only the others
    # (classes held) are asked for the total.
    total = summary(learners, period, metrics, parts=by_place, known=known)
    if unit is None:
        by_place.total = total
    participants, by_category = _participants(
        learners, period, by_place, unit_map if unit is None else None
    )
    captions = {
        "results": _("Kết quả học tập: tỷ lệ hoàn thành và tỷ lệ đạt bài kiểm tra"),
        "certificates": _("Giấy chứng nhận đã cấp"),
        "attendance": _("Chuyên cần tại các lớp tập huấn"),
    }
    tables = [
        _view(
            by_course,
            COURSE_KEYS,
            _("Các khóa bồi dưỡng và lớp tập huấn đã tổ chức"),
            head=_("Khóa bồi dưỡng"),
        ),
        participants,
    ]
    named = {k for _n, keys in PLACE_TABLES for k in keys} | {"staff_count"}
    for name, keys in PLACE_TABLES:
        view = _view(by_place, keys, captions[name])
        # "Không xác định đơn vị" (classes serving no unit) only where it
        # holds a figure, so that the rows add up to the total.
        view.rows = [r for r in view.rows if r.obj is not None or _holds(r, keys)]
        # A table whose only figure is shown elsewhere (completed) is left out.
        if any(m.key != "completed" for m in view.metrics):
            tables.append(view)
    others = [m.key for m in metrics if m.key not in named]
    if others:
        view = _view(by_place, others, _("Các chỉ tiêu khác"))
        view.rows = [r for r in view.rows if r.obj is not None or _holds(r, others)]
        tables.append(view)
    by_metric = {m.key: m for m in metrics}

    def f(key: str) -> str:
        metric = by_metric.get(key)
        if metric is None:
            return "—"
        return format_figure(total.figures.get(key), metric.is_rate)

    province_name = province.name if province else ""
    if unit is None:
        superior = _("UBND %(name)s") % {
            "name": (province.full_name if province else "").upper()
        }
        issuer = conf.get("REPORTS_PROVINCE_ISSUER")
        abbr = conf.get("REPORTS_PROVINCE_ABBR")
        # The province's body on the day the document is made (the Sở Khoa học
        # và Công nghệ since 01/03/2025), as the admin keeps it for certificates.
        body = province_body(document_day(year, today))
        if body is not None:
            superior = body.issuing_parent or superior
            issuer, abbr = body.issuing_body, body.code
        number = _("Số: …/BC-%(abbr)s") % {"abbr": abbr}
        place = province_name
        scope = _("toàn tỉnh")
    else:
        superior = _("UBND %(name)s") % {"name": unit.full_name.upper()}
        level = (
            "COMMUNE" if unit.level == AdministrativeUnit.Level.COMMUNE else "DISTRICT"
        )
        issuer = conf.get(f"REPORTS_{level}_ISSUER")
        number = _("Số: …/BC-%(abbr)s") % {"abbr": conf.get(f"REPORTS_{level}_ABBR")}
        place = unit.name
        scope = unit.in_sentence  # "trên địa bàn xã Xuân Lộc"
    narrative = [
        _(
            "Thực hiện Kế hoạch số 83/KH-UBND về bồi dưỡng kiến thức, kỹ năng bảo "
            "đảm an toàn thông tin cho cán bộ, công chức, viên chức, kết quả thực "
            "hiện năm %(year)d trên địa bàn %(scope)s (số liệu tính đến ngày "
            "%(day)s) như sau:"
        )
        % {
            "scope": scope,
            "year": year,
            "day": figures_day(year, today).strftime("%d/%m/%Y"),
        },
        _(
            "Tổng số cán bộ, công chức, viên chức trên hệ thống: %(staff)s người; "
            "số lượt ghi danh các khóa bồi dưỡng: %(enrolled)s; số lượt hoàn thành: "
            "%(completed)s, đạt tỷ lệ %(rate)s; số lượt đang học: %(in_progress)s."
        )
        % {
            "staff": f("staff_count"),
            "enrolled": f("enrolled"),
            "completed": f("completed"),
            "rate": f("completion_rate"),
            "in_progress": f("in_progress"),
        },
        _(
            "Đã tổ chức %(courses)s khóa bồi dưỡng và %(classes)s lớp tập huấn; "
            "số người tham gia: %(participants)s (%(categories)s)."
        )
        % {
            "courses": format_figure(Figure(len(by_course.rows))),
            "classes": f("classes_held"),
            "participants": format_figure(Figure(sum(by_category.values()))),
            "categories": "; ".join(
                f"{label}: {format_figure(Figure(n))}"
                for label, n in by_category.items()
                if n
            )
            or "—",
        },
        _(
            "Tỷ lệ đạt bài kiểm tra: %(pass_rate)s; tỷ lệ chuyên cần tại các lớp "
            "tập huấn: %(attendance)s; số giấy chứng nhận đã cấp: "
            "%(certificates)s."
        )
        % {
            "pass_rate": f("quiz_pass_rate"),
            "attendance": f("attendance_rate"),
            "certificates": f("certificates_issued"),
        },
    ]
    extra = [by_metric[k] for k in others]
    if extra:
        narrative.append("; ".join(f"{m.label}: {f(m.key)}" for m in extra) + ".")
    progress(80)
    return YearlyReport(
        year=year,
        unit=unit,
        province=province,
        day=day,
        superior=superior,
        issuer=issuer,
        number=number,
        place_date=f"{place}, {document_date(document_day(year, today))}",
        title=_("BÁO CÁO\nKết quả thực hiện Kế hoạch 83/KH-UBND năm %(year)d")
        % {"year": year},
        narrative=narrative,
        tables=tables,
        total=total,
    )


def render_xlsx(report: YearlyReport) -> bytes:
    book = XlsxBook()
    sheet = book.sheet(report.year, widths=exports.table_widths(report.tables))
    title = report.title.split("\n")
    for line in [
        report.superior,
        report.issuer,
        report.number,
        report.place_date,
        "",
        *title,
        "",
        *report.narrative,
    ]:
        if line in title:
            sheet.title(line, size=13)
        else:
            sheet.row([line])
    sheet.blank()
    for table in report.tables:
        exports.write_table(sheet, str(table.caption), exports.table_rows(table))
    return book.to_bytes()


def render_pdf(report: YearlyReport) -> bytes:
    from elearning.pdf import render_pdf as html_to_pdf

    font_dir = conf.get("REPORTS_FONT_DIR")
    html = render_to_string(
        "reports/yearly_report_pdf.html", {"report": report, "font_dir": font_dir}
    )
    return html_to_pdf(html, font_dir=font_dir)


def yearly_report_render(
    *,
    year: int,
    unit: AdministrativeUnit | None,
    fmt: str,
    progress: Progress = None,
    language: str = "vi",
) -> tuple[bytes, str]:
    """The report as bytes and its file name."""
    with translation.override(language):
        report = yearly_report_build(year=year, unit=unit, progress=progress)
        if fmt == "pdf":
            return render_pdf(report), f"{report.filename}.pdf"
        return render_xlsx(report), f"{report.filename}.xlsx"
