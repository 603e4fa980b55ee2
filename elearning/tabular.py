"""Reading tables uploaded by people: CSV (as Excel and others save it) and XLSX.

One reader for every import (staff lists, question banks, attendance
sheets), so a file that one of them reads the others read the same way:

- **XLSX** is recognised by content (a zip, ``PK\\x03\\x04``), never by name,
  and read with openpyxl (first sheet, values not formulas). An old ``.xls``
  (OLE2) is refused with a hint to save it as ``.xlsx``.
- **Text** is decoded, in this order: UTF-8 with its BOM; UTF-16 with a BOM
  (Excel's "Unicode text", tab separated); UTF-8 without BOM; and only when
  the bytes are not valid UTF-8, Windows-1258 (Excel's "CSV" on a
  Vietnamese Windows, tone marks as combining characters) or, failing that,
  Windows-1252. Decoding is strict: bytes that mean nothing in any of these
  are refused with a Vietnamese message, never replaced by "�". All text is
  made NFC.
- The **delimiter** is the one of ``,``, ``;`` and tab found most often in
  the header line (outside quotes); quoted cells may hold delimiters and
  line breaks. Line numbers are the file's (a cell over two lines counts
  two).

Errors are :class:`TabularError`, whose message id and values are kept so a
caller may store the reason and show it later in the reader's language.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and other old Office files
DELIMITERS = (",", ";", "\t")

NOT_TEXT = gettext_noop(
    "Chỉ nhận tệp CSV hoặc Excel (.xlsx); hãy lưu lại tệp .xls thành .xlsx."
)
BAD_XLSX = gettext_noop("Không đọc được tệp Excel (.xlsx).")
BAD_UTF16 = gettext_noop("Tệp UTF-16 bị hỏng.")
BAD_ENCODING = gettext_noop(
    "Không đọc được bảng mã của tệp (UTF-8, UTF-16 hoặc Windows-1258)."
)
BAD_CSV = gettext_noop("Tệp CSV bị hỏng hoặc có ô quá dài.")
EMPTY = gettext_noop("Tệp không có dữ liệu.")


class TabularError(ValueError):
    """The file cannot be read as a table. ``msgid`` and ``params`` keep the
    reason untranslated; ``str()`` is the text in the active language."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        text = _(self.msgid)
        return text % self.params if self.params else text


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def decode_text(data: bytes) -> str:
    """The text of an uploaded text file, NFC; see the module's docstring
    for the encodings tried. Raises :class:`TabularError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise TabularError(BAD_ENCODING) from None
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise TabularError(BAD_UTF16) from None
    elif data.startswith(OLE_MAGIC) or b"\x00" in data[:4096]:
        raise TabularError(NOT_TEXT)
    else:
        for encoding in ("utf-8", "cp1258", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TabularError(BAD_ENCODING)
    return unicodedata.normalize("NFC", text)


def _delimiter(header: str) -> str:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_lines(text: str) -> Iterator[tuple[int, list[object]]]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        # A cell over the csv module's field limit (128 KB), a stray NUL...
        raise TabularError(BAD_CSV) from exc


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TabularError(BAD_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                break
            except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
                raise TabularError(BAD_XLSX) from exc
            number += 1
            yield number, list(cells)
    finally:
        workbook.close()


def table_lines(data: bytes) -> Iterator[tuple[int, list[object]]]:
    """(line number, cells) for each line of a CSV or XLSX file, header
    included. XLSX cells keep their types (numbers, dates); CSV cells are
    strings. Raises :class:`TabularError`, possibly while iterating."""
    if is_xlsx(data):
        return _xlsx_lines(data)
    return _csv_lines(decode_text(data))


def table_dicts(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (as written, trimmed) and each following non-empty line as
    ``(line number, {header: text})``; cells past the header are dropped,
    missing ones are ``""``. Raises :class:`TabularError`."""
    lines = table_lines(data)
    first = next(lines, None)
    if first is None:
        raise TabularError(EMPTY)
    header = [_cell(h).strip() for h in first[1]]
    rows = []
    for number, cells in lines:
        values = [_cell(c) for c in cells]
        if not any(v.strip() for v in values):
            continue
        rows.append(
            (
                number,
                {
                    name: values[i] if i < len(values) else ""
                    for i, name in enumerate(header)
                },
            )
        )
    return header, rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value))
