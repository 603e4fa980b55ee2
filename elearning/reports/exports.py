"""Tables as CSV (UTF-8 with BOM, for Excel) and XLSX.

Every cell goes through ``elearning.spreadsheets.safe_cell``: a staff name
or agency imported from a file is data, never a formula.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from elearning.spreadsheets import safe_cell

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


def write_sheet(ws, title: str, rows: list[list], *, start_row: int = 1) -> int:
    """Write ``rows`` (first one a header) below ``title``; return next row."""
    r = start_row
    if title:
        ws.cell(row=r, column=1, value=safe_cell(title)).font = Font(bold=True)
        r += 1
    for i, values in enumerate(rows):
        for c, value in enumerate(values, start=1):
            value = safe_cell(value)
            cell = ws.cell(row=r, column=c, value=value)
            # Never let openpyxl store a string as a formula.
            if isinstance(value, str):
                cell.data_type = "s"
            if i == 0:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            elif isinstance(value, Decimal):
                cell.number_format = "0.0"
        r += 1
    for c in range(1, len(rows[0]) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 45 if c == 1 else 18
    return r + 1


def tables_xlsx(tables: list[Table], *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Báo cáo"))[:31]
    ws.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=13)
    r = 3
    for table in tables:
        r = write_sheet(ws, str(table.caption), table_rows(table), start_row=r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheets_xlsx(sheets: list[tuple[str, str, list[list]]]) -> bytes:
    """A workbook of one sheet per ``(sheet name, heading, rows)``, the rows'
    first one the header, each written by :func:`write_sheet`. Sheet names
    are at most 31 characters, without ``[]:*?/\\``, and unique."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, heading, rows in sheets:
        write_sheet(workbook.create_sheet(name), heading, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
