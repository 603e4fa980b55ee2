"""Every XLSX the platform writes, and the one rule against formula injection
for every CSV and XLSX.

Every cell of every export goes through :func:`safe_cell`: the project's own
XLSX files are written with :class:`XlsxBook`, which calls it on each value;
CSV writers call it themselves; Wagtail's admin exports (site history,
reports, listings) are routed through it by ``elearning.wagtail_exports``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text starting with one of these is run as a formula by Excel/LibreOffice
# (CSV and XLSX alike): "=cmd|' /C calc'!A0", "+1+1", "@SUM(...)"; a leading
# tab or carriage return hides one (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel refuses a sheet title longer than this, or with one of these.
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula, made inert with a
    leading apostrophe; numbers, dates, ``None`` and plain text unchanged.

    A lazily translated string is written as the text it stands for."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def fit_widths(rows: Iterable[Sequence], *, cap: int = 60) -> list[int]:
    """Column widths that fit the longest value of each column (at most
    ``cap`` characters), for :meth:`XlsxBook.sheet`."""
    widths: list[int] = []
    for row in rows:
        for i, value in enumerate(row):
            width = min(cap, len(str(value if value is not None else "")) + 2)
            if i == len(widths):
                widths.append(width)
            else:
                widths[i] = max(widths[i], width)
    return widths


class XlsxSheet:
    """One worksheet of an :class:`XlsxBook`, written row by row."""

    def __init__(self, sheet):
        self._sheet = sheet

    def _cell(self, value, *, font: Font | None = None, wrap: bool = False):
        value = safe_cell(value)
        cell = WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, str):
            # Text is text, whatever it starts with: never stored as a formula.
            cell.data_type = "s"
        elif isinstance(value, Decimal):
            # Rates: one decimal place, as on the pages.
            cell.number_format = "0.0"
        if font is not None:
            cell.font = font
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        return cell

    def title(self, text, *, size: int | None = None) -> None:
        """A line in bold (``size`` points; the default size otherwise)."""
        self._sheet.append([self._cell(text, font=Font(bold=True, size=size))])

    def header(self, values: Iterable) -> None:
        """Column headings: bold, wrapped."""
        bold = Font(bold=True)
        self._sheet.append([self._cell(v, font=bold, wrap=True) for v in values])

    def row(self, values: Iterable) -> None:
        self._sheet.append([self._cell(v) for v in values])

    def rows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.row(values)

    def blank(self) -> None:
        self._sheet.append([])


class XlsxBook:
    """An XLSX file, written in openpyxl's write-only mode (constant memory,
    however many rows). Every value goes through :func:`safe_cell`.

    Column widths are given when a sheet is made: write-only sheets take
    them before their first row."""

    def __init__(self):
        self._book = Workbook(write_only=True)

    def sheet(self, title, *, widths: Sequence[float] = ()) -> XlsxSheet:
        title = SHEET_TITLE_FORBIDDEN.sub(" ", str(title))[:SHEET_TITLE_MAX]
        sheet = self._book.create_sheet(title=title)
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        return XlsxSheet(sheet)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """An XLSX download named ``filename``."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
