"""Hostile question files (GIFT): a line-numbered translated error, nothing
written. Each file in data/gift/ starts with ``// expect: LINE: FRAGMENT``.

More parser cases (weights, matching, titles, categories) are in
tests/quizzes/test_gift.py; CSV/XLSX question files in
tests/quizzes/test_import.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.models import Question, QuestionCategory
from quizzes.services import MAX_IMPORT_BYTES, questions_import, questions_parse_file

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "gift"
FILES = sorted(DATA.glob("*.gift"))


def _expectation(path: Path) -> tuple[int, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    line, fragment = first.removeprefix("// expect:").split(":", 1)
    return int(line), fragment.strip()


def _import(name: str, data: bytes):
    before = (Question.objects.count(), QuestionCategory.objects.count())
    questions, errors = questions_parse_file(name=name, data=data)
    report = questions_import(questions=questions, errors=errors)
    after = (Question.objects.count(), QuestionCategory.objects.count())
    assert after == before, "a refused file wrote something"
    return errors, report


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_hostile_gift_file(path):
    line, fragment = _expectation(path)
    errors, _report = _import(path.name, path.read_bytes())
    assert errors
    assert errors[0].line == line
    assert fragment in errors[0].message
    assert str(errors[0]).startswith(f"Dòng {line}: ")


def test_one_bad_question_among_good_ones_writes_nothing():
    good = "$CATEGORY: Hostile\n\nCâu tốt {=đúng ~sai}\n\n"
    bad = (DATA / "unbalanced-open.gift").read_text(encoding="utf-8")
    errors, _report = _import("bo-cau-hoi.gift", (good + bad).encode())
    assert errors


def test_huge_file_is_refused_before_parsing():
    block = "$CATEGORY: Hostile\n\n" + "Câu {=a ~b}\n\n" * 10
    data = block.encode() * (MAX_IMPORT_BYTES // len(block.encode()) + 2)
    errors, _report = _import("lon.gift", data)
    assert [e.message for e in errors] == ["tệp lớn hơn 5 MB."]


@pytest.mark.parametrize(
    "name,data,fragment",
    [
        # NUL bytes without UTF-16's mark: a binary file, not text. (UTF-16
        # with its mark is text: tests/quizzes/test_import_formats.py.)
        ("cau-hoi.gift", b"\x7fELF\x02\x01\x00\x00 {=a ~b}", "văn bản"),
        ("cau-hoi.xlsx", b"not a workbook", "Excel"),
        ("cau-hoi.exe", b"#!/bin/sh\nrm -rf /\n", "chỉ nhận"),
    ],
    ids=["nul-bytes", "fake-xlsx", "executable"],
)
def test_wrong_kind_of_file(name, data, fragment):
    errors, _report = _import(name, data)
    assert fragment in errors[0].message
