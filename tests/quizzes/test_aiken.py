"""Aiken files read as Moodle reads them (question/format/aiken/format.php),
with Moodle's own samples (tests/data/moodle-aiken/, see SOURCES.md) and
files as trainers paste them out of Word."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes import aiken
from quizzes.formatting import render
from quizzes.models import Question
from quizzes.services import (
    question_file_format,
    question_to_parsed,
    questions_import,
    questions_parse_file,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "moodle-aiken"
pytestmark = pytest.mark.django_db


def answers(q):
    return [(c.text, c.fraction) for c in q.choices]


def test_moodle_sample_reads_with_its_right_answers():
    questions, errors = aiken.parse(
        (DATA / "questions.aiken.txt").read_text(encoding="utf-8"),
        default_category="Moodle",
    )
    assert errors == []
    first, second = questions
    assert (first.qtype, first.text, first.text_format) == (
        "single",
        "The Moodle project was started by:",
        "plain",
    )
    assert answers(first) == [
        ("Petr Skoda", 0),
        ("Martin Dougiamas", 100),
        ("Eloy Lafuente", 0),
        ("Tim Hunt", 0),
    ]
    # Moodle escapes the text (htmlspecialchars); plain text is shown escaped.
    assert second.text.endswith('<html class="cool"> & images:')
    assert "&lt;html class=&quot;cool&quot;&gt; &amp; images:" in str(
        render(second.text, second.text_format)
    )
    assert answers(second) == [("True", 100), ("False", 0)]


def test_moodle_error_sample_reports_moodles_errors_and_writes_nothing():
    questions, errors = aiken.parse(
        (DATA / "aiken_errors.txt").read_text(encoding="utf-8"),
        default_category="Moodle",
    )
    # Moodle: "at least 2 answers on line 3", "not started on line 5" and
    # "on line 7", "not completed before next question start on line 18".
    assert [e.line for e in errors] == [3, 5, 7, 18]
    assert "2 phương án" in errors[0].message
    assert "ngoài câu hỏi" in errors[1].message
    assert "dòng 14" in errors[3].message
    # The three good questions, as Moodle's test finds them.
    assert [(q.text, answers(q)) for q in questions] == [
        ("A good question", [("Correct", 100), ("Incorrect", 0)]),
        (
            "A second good question",
            [("Incorrect (No space)", 0), ("Correct (No space)", 100)],
        ),
        (
            "A third good question with HTML chars such as > < &",
            [("Correct (< > &)", 100), ("Incorrect (< > &)", 0)],
        ),
    ]
    report = questions_import(questions=questions, errors=errors)
    assert not report.ok
    assert Question.objects.count() == 0


WORD_PASTE = (
    "\ufeffMật khẩu nào mạnh nhất?   \r\n"
    "\r\n"
    "A. 123456\t\r\n"
    "\r\n"
    "B.  Tr0ng-Dong-Nai!2026  \r\n"
    "C) matkhau\r\n"
    "Answer: b \r\n"
    "\r\n"
    "\r\n"
    "Khi nhận thư lạ có tệp đính kèm,\r\n"
    "anh/chị nên làm gì?\r\n"
    "A)Mở ngay\r\n"
    "B)Báo cán bộ phụ trách\r\n"
    "ANSWER:B\r\n"
    "\r\n"
    "--- Hết ---\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"], ids=["utf8-bom", "utf16"])
def test_a_file_pasted_out_of_word_is_read_as_moodle_would_or_better(encoding):
    # Windows line endings, trailing spaces and tabs, a BOM, blank lines
    # inside a question, "A." and "A)", "Answer: b", a footer line.
    data = WORD_PASTE.encode(encoding)
    assert question_file_format(data) == "aiken"
    questions, errors = questions_parse_file(
        name="de-kiem-tra.txt", data=data, default_category="ATTT/Aiken"
    )
    assert errors == []
    first, second = questions
    assert first.text == "Mật khẩu nào mạnh nhất?"
    assert answers(first) == [
        ("123456", 0),
        ("Tr0ng-Dong-Nai!2026", 100),
        ("matkhau", 0),
    ]
    # Consecutive text lines before the first choice are one question text.
    assert second.text == "Khi nhận thư lạ có tệp đính kèm,\nanh/chị nên làm gì?"
    assert answers(second) == [("Mở ngay", 0), ("Báo cán bộ phụ trách", 100)]
    assert (first.line, second.line) == (1, 10)
    report = questions_import(questions=questions)
    assert report.created == 2
    stored = Question.objects.get(text__startswith="Khi nhận")
    assert stored.category.path == "ATTT/Aiken"
    assert [c.fraction for c in stored.choices.all()] == [0, 100]
    again = questions_import(questions=questions)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("Câu?\nA) x\nB) y\nANSWER: D\n", 4, "“D” không có"),
        ("Câu?\nA) x\nB) y\nANSWER:\n", 4, "thiếu chữ cái"),
        ("Câu?\nA) x\nB) y\n", 1, "cuối tệp"),
        ("Tiêu đề đề thi\n\nCâu?\nA) x\nB) y\nANSWER: A\n", 3, "dòng 1"),
        ("A) x\nB) y\nANSWER: A\n", 1, "ngoài câu hỏi"),
    ],
    ids=["letter-not-a-choice", "no-letter", "unfinished", "heading", "no-question"],
)
def test_bad_aiken_reports_line_numbered_vietnamese_errors(source, line, fragment):
    questions, errors = aiken.parse(source, default_category="A")
    assert errors
    assert errors[0].line == line
    assert fragment in errors[0].message
    assert str(errors[0]).startswith(f"Dòng {line}:")


def test_aiken_without_a_category_asks_for_one():
    questions, errors = aiken.parse("Câu?\nA) x\nB) y\nANSWER: A\n")
    assert len(questions) == 1
    assert [e.line for e in errors] == [1] and "nhóm" in errors[0].message


def test_gift_and_csv_are_not_taken_for_aiken():
    assert question_file_format(b"$CATEGORY: A\n\nQ {=A) x ~B) y}\nANSWER: A\n") == (
        "gift"
    )
    assert question_file_format(b"Just text\nANSWER: A\n") == "gift"


def test_command_imports_aiken(tmp_path):
    path = tmp_path / "aiken.txt"
    path.write_text("Câu một?\nA) Có\nB) Không\nANSWER: A\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_questions", str(path), "--format", "aiken", "--category", "Aiken",
        stdout=out,
    )  # fmt: skip
    assert "[aiken]" in out.getvalue() and "1 created" in out.getvalue()
    bad = tmp_path / "bad.txt"
    bad.write_text("Câu hai?\nA) Có\nANSWER: A\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(bad), "--category", "Aiken", stderr=err)
    assert "Dòng 3:" in err.getvalue()
    assert Question.objects.count() == 1


def test_single_choice_questions_round_trip_through_aiken():
    source = (DATA / "questions.aiken.txt").read_text(encoding="utf-8")
    questions, errors = aiken.parse(source, default_category="Moodle")
    assert errors == []
    questions_import(questions=questions)
    stored = [question_to_parsed(q) for q in Question.objects.order_by("pk")]
    written = aiken.write(stored)
    assert written == source
    again, errors = aiken.parse(written, default_category="Moodle")
    assert errors == []
    assert [q.key() for q in again] == [q.key() for q in stored]


def test_aiken_export_leaves_out_what_aiken_cannot_hold():
    from quizzes.gift import ParsedChoice, ParsedQuestion

    single = ParsedQuestion(
        "A",
        "single",
        "<p>Chọn <b>một</b></p>",
        text_format="html",
        choices=[ParsedChoice("x", Decimal("100")), ParsedChoice("y")],
    )
    half = ParsedQuestion(
        "A",
        "single",
        "Nửa điểm",
        choices=[ParsedChoice("x", Decimal("100")), ParsedChoice("y", Decimal("50"))],
    )
    essay = ParsedQuestion("A", "essay", "Viết")
    assert aiken.write([single, half, essay]) == "Chọn một\nA) x\nB) y\nANSWER: A\n"
