"""Tables as CSV (UTF-8 with BOM, for Excel) and XLSX.

XLSX is written by ``elearning.spreadsheets.XlsxBook``; every cell of both
goes through ``elearning.spreadsheets.safe_cell``: a staff name
or agency imported from a file is data, never a formula.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from elearning.spreadsheets import XlsxBook, XlsxSheet, safe_cell

from .metrics import Figure
from .selectors import Table


def cell_value(figure: Figure | None, is_rate: bool) -> int | Decimal | None:
    if figure is None:
        return None
    if is_rate:
        return figure.percent
    return figure.value


def table_rows(table: Table) -> list[list]:
    header = [str(table.head)] + [
        f"{m.label} (%)" if m.is_rate else str(m.label) for m in table.metrics
    ]
    rows = [header]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        rows.append(
            [str(row.label)]
            + [cell_value(row.figures.get(m.key), m.is_rate) for m in table.metrics]
        )
    return rows


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table_rows(table):
        writer.writerow(
            [
                ""
                if v is None
                else (str(v).replace(".", ",") if isinstance(v, Decimal) else v)
                for v in map(safe_cell, row)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_widths(tables: list[Table]) -> list[int]:
    """The label column wide, the figures narrow, for every table given."""
    columns = max((len(table.metrics) for table in tables), default=0)
    return [45] + [18] * columns


def write_table(sheet: XlsxSheet, title: str, rows: list[list]) -> None:
    """Write ``rows`` (first one a header) below ``title``, then a blank
    line."""
    if title:
        sheet.title(title)
    sheet.header(rows[0])
    sheet.rows(rows[1:])
    sheet.blank()


def tables_xlsx(tables: list[Table], *, title: str) -> bytes:
    book = XlsxBook()
    sheet = book.sheet(_("Báo cáo"), widths=table_widths(tables))
    sheet.title(title, size=13)
    sheet.blank()
    for table in tables:
        write_table(sheet, str(table.caption), table_rows(table))
    return book.to_bytes()


def sheets_xlsx(sheets: list[tuple[str, str, list[list]]]) -> bytes:
    """A workbook of one sheet per ``(sheet name, heading, rows)``, the rows'
    first one the header, each written by :func:`write_table`."""
    book = XlsxBook()
    for name, heading, rows in sheets:
        columns = max((len(row) for row in rows), default=1)
        write_table(book.sheet(name, widths=[30] * columns), heading, rows)
    return book.to_bytes()
