"""Files made from attendance data: the sign-in sheet (PDF, CSV) and
reports (XLSX)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from elearning.spreadsheets import XlsxBook, fit_widths, safe_cell

SIGN_IN_SHEET_CSS = (
    "@page { size: A4; margin: 15mm 12mm; } "
    "body { font-family: 'Noto Serif', 'Noto Sans', serif; }"
)


def long_date(value) -> str:
    """ "ngày 05 tháng 12 năm 2026"."""
    return _("ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "d": value.day,
        "m": value.month,
        "y": value.year,
    }


# Who ran the province's classes on a day is kept with the certificates'
# issuers; the certificates app registers its lookup here when it starts, so
# this app never imports certificates (which asks it for class rosters).
OrganiserLookup = Callable[[datetime.date], tuple[str, str] | None]
_organiser_lookup: OrganiserLookup | None = None


def register_organiser_lookup(lookup: OrganiserLookup) -> None:
    """``lookup(day)`` gives (superior, body) of the province's body on
    ``day``, or None when none is kept."""
    global _organiser_lookup
    _organiser_lookup = lookup


def organiser_on(day: datetime.date) -> tuple[str, str]:
    """The province's body that runs classes on ``day`` and its superior, as
    a sheet's heading prints them: the Sở Thông tin và Truyền thông until
    28/02/2025, the Sở Khoa học và Công nghệ since (the issuers the province
    admin keeps), else the report settings' names."""
    from elearning.reports import conf

    names = _organiser_lookup(day) if _organiser_lookup is not None else None
    if names is not None:
        return names
    return _("UBND TỈNH ĐỒNG NAI"), conf.get("REPORTS_PROVINCE_ISSUER")


def sign_in_sheet_pdf(*, session, rows) -> bytes:
    from elearning.pdf import render_pdf

    start = timezone.localtime(session.start)
    superior, organiser = organiser_on(start.date())
    html = render_to_string(
        "attendance/sign_in_sheet.html",
        {
            "session": session,
            "klass": session.training_class,
            "rows": rows,
            "superior": superior,
            "organiser": organiser,
            "day": long_date(start),
            "start": date_format(start, "TIME_FORMAT"),
            "end": date_format(
                timezone.localtime(session.end),
                "SHORT_DATETIME_FORMAT" if session.ends_another_day else "TIME_FORMAT",
            ),
        },
    )
    return render_pdf(html, css=SIGN_IN_SHEET_CSS)


def sheet_csv(*, rows) -> str:
    """The import template: one line per learner, status to fill in."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 only with a BOM
    writer = csv.writer(out)
    writer.writerow(["stt", "email", "ho_va_ten", "trang_thai", "ghi_chu"])
    for n, row in enumerate(rows, 1):
        learner = row.learner
        cells = [
            n,
            learner.email,
            learner.get_full_name(),
            row.record.get_status_display() if row.record else "",
            row.note,
        ]
        writer.writerow([safe_cell(value) for value in cells])
    return out.getvalue()


def workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """An XLSX with one sheet per (title, header, rows), columns as wide as
    their longest value."""
    book = XlsxBook()
    for title, header, rows in sheets:
        sheet = book.sheet(title, widths=fit_widths([header, *rows]))
        sheet.header(header)
        sheet.rows(rows)
    return book.to_bytes()
