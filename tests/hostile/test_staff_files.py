"""Hostile staff import files: every encoding trap reads the same names; a
broken or oversized file is one translated error and nothing is written;
formulas are stored as typed and made inert in every export.

The sample-file, cp1258, semicolon, XLSX and per-row error cases are in
tests/courses/test_imports.py.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from courses import imports
from courses.imports import import_file
from elearning.people.models import StaffProfile, User
from elearning.spreadsheets import safe_cell

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

HEADER = ["ho_ten", "email", "co_quan", "ngay_sinh"]
ROWS = [
    ["Nguyễn Văn Ấn", "an.hostile@xuanloc.gov.vn", "Phòng Nội vụ", "05/12/1988"],
    ["Đặng Thị Hường", "huong.hostile@xuanloc.gov.vn", "Phòng Tư pháp", "01/02/1990"],
]
FORMULAS = [
    line
    for line in (Path(__file__).parent / "data" / "formulas.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
]


def _text(rows, *, sep=",", newline="\r\n", nfd=False) -> str:
    lines = [sep.join(cells) for cells in [HEADER, *rows]]
    text = newline.join(lines) + newline
    return unicodedata.normalize("NFD", text) if nfd else text


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Text the way Vietnamese Windows saves it: base letters precomposed
    (â, ơ, đ...), tone marks as separate combining characters."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize(
            "NFC", "".join(c for c in parts if c not in TONE_MARKS)
        )
        out += (base + tones).encode("cp1258")
    return bytes(out)


def _mixed_newlines() -> bytes:
    lines = [",".join(cells) for cells in [HEADER, *ROWS]]
    return (lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n").encode()


ENCODINGS = {
    "utf8": lambda: _text(ROWS).encode("utf-8"),
    "utf8-bom": lambda: _text(ROWS).encode("utf-8-sig"),
    "utf8-nfd": lambda: _text(ROWS, nfd=True).encode("utf-8"),
    "utf16-le-bom-tabs": lambda: _text(ROWS, sep="\t").encode("utf-16"),
    "utf16-be-bom": lambda: b"\xfe\xff" + _text(ROWS).encode("utf-16-be"),
    "cp1258-tone-marks": lambda: _cp1258(_text(ROWS)),
    "lf-only": lambda: _text(ROWS, newline="\n").encode(),
    "mixed-newlines": _mixed_newlines,
    "semicolons": lambda: _text(ROWS, sep=";").encode(),
}


def _counts():
    return User.objects.count(), StaffProfile.objects.count()


@pytest.mark.parametrize("make", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_every_encoding_reads_the_same_nfc_names(make, units, officer):
    table = imports.read_table(make(), "can-bo.csv")
    names = [imports._text(row["full_name"]) for _line, row in table.rows]
    assert names == ["Nguyễn Văn Ấn", "Đặng Thị Hường"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    plan, result = import_file(
        make(), filename="can-bo.csv", scope=units["741"], actor=officer, dry_run=True
    )
    assert plan.ok, [str(e.message) for e in plan.errors]


def _refused(data: bytes, units, officer, fragment: str):
    before = _counts()
    plan, result = import_file(
        data, filename="can-bo.csv", scope=units["741"], actor=officer
    )
    assert result is None
    assert not plan.ok
    messages = " ".join(str(e.message) for e in plan.errors)
    assert fragment in messages, messages
    assert _counts() == before
    return plan


def test_huge_cell_is_refused(units, officer):
    data = _text([["A" * 200_000, "a@x.gov.vn", "Phòng", ""]]).encode()
    _refused(data, units, officer, "ô quá dài")


def test_long_name_within_the_csv_limit_is_a_row_error(units, officer):
    data = _text([["Ă" * 5000, "a@x.gov.vn", "Phòng", ""]]).encode()
    _refused(data, units, officer, "150 ký tự")


def test_undecodable_bytes_are_refused(units, officer):
    # Bytes undefined in both UTF-8 and Windows-1258.
    data = _text(ROWS).encode() + b"\x81\x8a\x8d\x8e\x8f\x90\x9a\x9d\x9e\n"
    _refused(data, units, officer, "bảng mã")


def test_binary_file_is_refused(units, officer):
    _refused(b"\xd0\xcf\x11\xe0" + bytes(600), units, officer, ".xlsx")


def test_too_many_rows(units, officer, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    rows = [[f"Người {i}", f"n{i}@x.gov.vn", "Phòng", ""] for i in range(10)]
    _refused(_text(rows).encode(), units, officer, "quá 5 dòng")


def test_too_many_columns_are_ignored_not_fatal(units, officer):
    header = HEADER + [f"cot_{i}" for i in range(5000)]
    lines = [",".join(header)] + [",".join(r + ["x"] * 5000) for r in ROWS]
    plan, _result = import_file(
        "\n".join(lines).encode(),
        filename="can-bo.csv",
        scope=units["741"],
        actor=officer,
        dry_run=True,
    )
    assert plan.ok


def test_header_only_and_empty_files(units, officer):
    _refused(b"", units, officer, "không có dữ liệu")
    _refused(",".join(HEADER).encode(), units, officer, "không có dòng dữ liệu")


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_is_inert_in_exports(formula):
    cell = safe_cell(formula)
    assert cell == "'" + formula
    # Written to XLSX, the cell is text, not a formula.
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([cell])
    buffer = io.BytesIO()
    book.save(buffer)
    value = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert value.data_type == "s"
    assert value.value == "'" + formula


def test_formula_name_imported_then_exported_inert(client, units, officer):
    """End to end: a staff file whose name is a formula, then the officer's
    enrolment export of that person."""
    from wagtail.models import Site

    from courses.models import CourseIndexPage, Enrolment
    from tests.courses.conftest import make_course
    from tests.factories import reauthenticate

    formula = "=cmd|' /C calc'!A0"
    data = _text([[f'"{formula}"', "f@x.gov.vn", "Phòng", ""]]).encode()
    plan, result = import_file(
        data, filename="can-bo.csv", scope=units["741"], actor=officer
    )
    assert plan.ok and result is not None
    person = User.objects.get(email="f@x.gov.vn")
    assert person.profile.full_name == formula  # stored as typed

    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="kh"))
    Enrolment.objects.create(learner=person, course=make_course(index))
    client.force_login(officer)
    reauthenticate(client)
    response = client.get("/quan-ly/ghi-danh/xuat-tep/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    mine = [c for c in cells if isinstance(c.value, str) and formula in c.value]
    assert mine and all(c.value == "'" + formula for c in mine)
    assert all(c.data_type == "s" for c in mine)
