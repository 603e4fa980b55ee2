"""The one tabular reader (elearning.tabular) and the three imports using it.

Windows files are built byte for byte as Excel writes them: "CSV (Comma
delimited)" on a Vietnamese Windows is Windows-1258 with CRLF, each toned
letter written as its base letter (ê, ơ, ư, ă, đ are in the code page)
followed by a combining tone mark, which is what Windows' conversion to code
page 1258 does; "Unicode Text" is UTF-16 little-endian with a BOM, tab
separated, CRLF.
"""

import datetime
import io
import unicodedata

import pytest
from openpyxl import Workbook

from elearning.tabular import TabularError, decode_text, table_dicts, table_lines

ROWS = [
    ["ho_ten", "email", "co_quan"],
    ["Trần Thị Bích Ngọc", "ngoc@x.vn", "Phòng Văn hóa, Thông tin"],
    ["Đặng Quốc Bảo", "bao@x.vn", "UBND xã Xuân Hiệp"],
]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + "".join(p for p in parts if p in TONES))
    return "".join(out).encode("cp1258")


def excel_csv(rows, delimiter=",") -> str:
    def cell(value):
        value = str(value)
        if delimiter in value or '"' in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


def values(data: bytes) -> list[list[str]]:
    return [cells for _line, cells in table_lines(data)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(excel_csv(ROWS).encode("utf-8"), id="utf8"),
        pytest.param(excel_csv(ROWS).encode("utf-8-sig"), id="utf8-bom"),
        pytest.param(excel_csv(ROWS, ";").encode("utf-8-sig"), id="semicolon"),
        pytest.param(windows_1258(excel_csv(ROWS)), id="excel-csv-windows-1258"),
        pytest.param(
            b"\xff\xfe" + excel_csv(ROWS, "\t").encode("utf-16-le"),
            id="excel-unicode-text",
        ),
        pytest.param(excel_csv(ROWS, "\t").encode(), id="tab"),
    ],
)
def test_every_text_form_reads_the_same_nfc_cells(data):
    read = values(data)
    assert read == ROWS
    assert all(unicodedata.is_normalized("NFC", c) for row in read for c in row)


def test_windows_1258_bytes_are_not_valid_utf8_and_hold_combining_tones():
    data = windows_1258("Ngọc")
    assert data == b"Ngo\xf2c"  # "o" then the combining dot below
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data) == "Ngọc"


def test_windows_1252_when_1258_cannot_read_it():
    # 0x8A is "Š" in Windows-1252 and undefined in Windows-1258.
    assert decode_text(b"Ho\xe0ng \x8aa") == "Hoàng Ša"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"ho_ten\n\x81\x8d\x8f\x90\x9d\n", id="bytes-no-code-page-has"),
        pytest.param(b"\xef\xbb\xbfho_ten\n\xff\xfe\n", id="bom-then-not-utf8"),
    ],
)
def test_undecodable_text_is_refused_in_vietnamese(data):
    with pytest.raises(TabularError) as caught:
        list(table_lines(data))
    assert str(caught.value) == (
        "Không đọc được bảng mã của tệp (UTF-8, UTF-16 hoặc Windows-1258)."
    )


def test_old_excel_and_binary_files_are_refused():
    with pytest.raises(TabularError) as caught:
        list(table_lines(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    assert ".xlsx" in str(caught.value)


def test_quoted_cells_keep_delimiters_and_line_breaks_and_lines_count():
    data = 'a;b\r\n"x;1";"hai\r\ndòng"\r\nc;d\r\n'.encode()
    assert list(table_lines(data)) == [
        (1, ["a", "b"]),
        (2, ["x;1", "hai\r\ndòng"]),
        (4, ["c", "d"]),
    ]


def test_xlsx_by_content_with_typed_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["ho_ten", "ngay_sinh", "so"])
    sheet.append(["Ngô Thị Hoa", datetime.datetime(1990, 2, 2), 3.0])
    buffer = io.BytesIO()
    book.save(buffer)
    header, rows = table_dicts(buffer.getvalue())
    assert header == ["ho_ten", "ngay_sinh", "so"]
    assert rows == [
        (2, {"ho_ten": "Ngô Thị Hoa", "ngay_sinh": "1990-02-02 00:00:00", "so": "3"})
    ]
    with pytest.raises(TabularError):
        list(table_lines(b"PK\x03\x04 not really a zip"))


# --- The three imports read alike ------------------------------------------


@pytest.mark.django_db
def test_question_csv_that_cannot_be_decoded_is_an_error_not_mojibake():
    from quizzes.services import questions_parse_file

    data = b"nhom;loai;noi_dung;phuong_an_1;phuong_an_2;dap_an\r\n"
    questions, errors = questions_parse_file(
        name="cau-hoi.csv", data=data + b"ATTT;dung_sai;M\x81t kh\x8dau;;;Sai\r\n"
    )
    assert questions == []
    assert [e.message for e in errors] == [
        "Không đọc được bảng mã của tệp (UTF-8, UTF-16 hoặc Windows-1258)."
    ]


def test_question_rows_from_excel_unicode_text():
    # The question bank's reading part (quizzes.tabular); the import screen
    # in front of it still refuses files with NUL bytes before reading.
    from quizzes import tabular

    text = "nhom\tloai\tnoi_dung\tdap_an\r\nATTT\tdung_sai\tMật khẩu mạnh?\tĐúng\r\n"
    questions, errors = tabular.parse_rows(
        tabular.rows_from_csv(b"\xff\xfe" + text.encode("utf-16-le"))
    )
    assert errors == []
    assert questions[0].text == "Mật khẩu mạnh?"


def test_staff_import_reads_through_the_same_reader():
    from courses.imports import ImportFileError, read_table

    table = read_table(windows_1258(excel_csv(ROWS, ";")))
    assert [row["full_name"] for _line, row in table.rows] == [
        "Trần Thị Bích Ngọc",
        "Đặng Quốc Bảo",
    ]
    with pytest.raises(ImportFileError) as caught:
        read_table(b"ho_ten,email,co_quan\n\x81\x8d,a@b.vn,x\n")
    assert caught.value.errors[0].reason.msgid.startswith("Không đọc được bảng mã")
