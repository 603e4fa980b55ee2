import datetime
import re

import pytest

from certificates.text import (
    SHORT_CODE_ALPHABET,
    document_date,
    new_short_code,
    new_token,
    normalize_short_code,
)
from elearning.spreadsheets import safe_cell


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 5), "ngày 05 tháng 12 năm 2026"),
        (datetime.date(2026, 1, 9), "ngày 09 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
        (datetime.date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
    ],
    ids=["dec-5", "jan-9", "feb-28", "mar-1", "oct-10"],
)
def test_document_date_follows_decree_30(day, expected):
    assert document_date(day) == expected


def test_document_date_with_place():
    assert (
        document_date(datetime.date(2026, 12, 5), "Đồng Nai")
        == "Đồng Nai, ngày 05 tháng 12 năm 2026"
    )


def test_token_has_at_least_128_bits_and_is_url_safe():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 24 bytes = 192 bits


def test_short_code_shape_and_alphabet():
    assert set(SHORT_CODE_ALPHABET).isdisjoint("01OIL")
    codes = {new_short_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(r"[23456789A-HJKMNP-Z]{5}-[23456789A-HJKMNP-Z]{5}", code)


def test_normalize_short_code_forgives_case_spaces_and_dash():
    assert normalize_short_code(" 7kq2m xr4tb ") == "7KQ2M-XR4TB"
    assert normalize_short_code("7KQ2MXR4TB") == "7KQ2M-XR4TB"
    assert normalize_short_code("7KQ2M-XR4T") == ""
    assert normalize_short_code("0KQ2M-XR4TB") == ""  # 0 is not in the alphabet


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"])
def test_neutralise_formula_looking_text(value):
    assert safe_cell(value) == "'" + value


def test_neutralise_keeps_plain_values():
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_cell(5) == 5
