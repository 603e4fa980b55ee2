"""Aiken: single-choice questions as plain lines, read as Moodle reads them.

The rules are those of Moodle's ``question/format/aiken/format.php``::

    Mật khẩu nào mạnh nhất?
    A) 123456
    B. Tr0ng-Dong-Nai!2026
    C) matkhau
    ANSWER: B

- each line is trimmed (trailing spaces, tabs and Windows line endings are
  nothing); lines shorter than two characters are skipped, so blank lines
  may stand anywhere, between questions or between the lines of one;
- a line starting with a capital letter and ``)`` or ``.`` is a choice (the
  space after the mark is optional: ``A)Mã độc``);
- a line starting with ``ANSWER:`` ends the question; the first letter
  after the colon names the right choice;
- any other line starts a question; the text is plain (shown as written).

Errors are Moodle's: a choice or ``ANSWER:`` outside a question, a question
with fewer than two choices, a question that is not finished (no
``ANSWER:``) when the next one starts. More tolerant than Moodle, for
files pasted out of Word: the question text may run over several lines
(consecutive, before the first choice), ``Answer: b`` is read as
``ANSWER: B``, and the letter is the label of a choice (in a file labelled
A, B, C… as usual that is the letter's position, as Moodle counts). Text
lines after the last question are ignored, as Moodle does; a last question
with choices but no ``ANSWER:`` line is an error (Moodle drops it
silently). Every error has its line number; one error refuses the file.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .formatting import to_plain
from .gift import GiftError, ParsedChoice, ParsedQuestion, _category_path

_CHOICE = re.compile(r"^([A-Z])[).]")
_ANSWER = re.compile(r"^ANSWER\s*:", re.IGNORECASE)
_LINES = re.compile(r"\r\n|\r|\n")


class _Open:
    def __init__(self, line: int, text: str):
        self.line = line
        self.text = [text]
        self.choices: list[tuple[str, str]] = []  # (label, text)
        self.continues = True  # the next text line still belongs to the text


def looks_like(text: str) -> bool:
    """An ``ANSWER:`` line after a choice line, and no GIFT braces."""
    if "{" in text or "}" in text:
        return False
    choice = False
    for line in _LINES.split(text):
        stripped = line.strip()
        if _CHOICE.match(stripped):
            choice = True
        elif choice and _ANSWER.match(stripped):
            return True
    return False


def _finish(
    q: _Open, letter: str, line: int, category: str
) -> tuple[ParsedQuestion | None, GiftError | None]:
    # An empty choice ("C)" alone) is dropped, as Moodle drops empty answers.
    q.choices = [(label, text) for label, text in q.choices if text]
    if len(q.choices) < 2:
        return None, GiftError(line, _("câu hỏi cần ít nhất 2 phương án A), B)…"))
    labels = [label for label, _text in q.choices]
    if not letter:
        return None, GiftError(
            line, _("dòng ANSWER: thiếu chữ cái của đáp án đúng (ví dụ ANSWER: B).")
        )
    if len(set(labels)) == len(labels):
        right = labels.index(letter) if letter in labels else -1
    else:
        right = ord(letter) - ord("A")
    if not 0 <= right < len(q.choices):
        return None, GiftError(
            line,
            _("đáp án “%(letter)s” không có trong các phương án (%(labels)s).")
            % {"letter": letter, "labels": ", ".join(labels)},
        )
    question = ParsedQuestion(
        category=category,
        qtype="single",
        text="\n".join(q.text),
        line=q.line,
        choices=[
            ParsedChoice(text, Decimal("100") if i == right else Decimal("0"))
            for i, (_label, text) in enumerate(q.choices)
        ],
    )
    return question, None


def parse(
    source: str, *, default_category: str = ""
) -> tuple[list[ParsedQuestion], list[GiftError]]:
    """Read Aiken text: (questions, errors). Nothing raises on bad input."""
    category = _category_path(default_category)
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    current: _Open | None = None
    for number, raw in enumerate(_LINES.split(source.lstrip("\ufeff")), start=1):
        line = raw.strip()
        if len(line.encode("utf-8")) < 2:
            if current is not None:
                current.continues = False
            continue
        choice = _CHOICE.match(line)
        if choice:
            if current is None:
                errors.append(
                    GiftError(
                        number,
                        _(
                            "phương án nằm ngoài câu hỏi (chưa có dòng nội dung câu hỏi)."
                        ),
                    )
                )
                continue
            current.choices.append((choice.group(1), line[2:].strip()))
            current.continues = False
            continue
        if _ANSWER.match(line):
            if current is None:
                errors.append(
                    GiftError(
                        number,
                        _(
                            "dòng ANSWER: nằm ngoài câu hỏi (chưa có dòng nội dung câu hỏi)."
                        ),
                    )
                )
                continue
            letter = line.split(":", 1)[1].strip()[:1].upper()
            question, error = _finish(current, letter, number, category)
            if error:
                errors.append(error)
            else:
                questions.append(question)
            current = None
            continue
        if current is not None and current.continues and not current.choices:
            current.text.append(line)
            continue
        if current is not None:
            errors.append(
                GiftError(
                    number,
                    _(
                        "câu hỏi ở dòng %(start)s chưa kết thúc bằng dòng ANSWER: "
                        "trước câu hỏi mới này."
                    )
                    % {"start": current.line},
                )
            )
        current = _Open(number, line)
    if current is not None and current.choices:
        errors.append(
            GiftError(current.line, _("câu hỏi cuối tệp chưa có dòng ANSWER:."))
        )
    if questions and not category:
        errors.append(
            GiftError(
                questions[0].line,
                _("tệp Aiken không ghi nhóm câu hỏi: hãy chọn nhóm mặc định."),
            )
        )
    errors.sort(key=lambda e: e.line)
    return questions, errors


def _one_line(text: str, fmt: str) -> str:
    return " ".join(to_plain(text, fmt).split())


def exportable(q: ParsedQuestion) -> bool:
    """Aiken holds single-choice questions with one right choice (100 %),
    the others worth nothing, at most 26 choices (as Moodle exports)."""
    fractions = sorted(c.fraction for c in q.choices)
    return (
        q.qtype == "single"
        and 2 <= len(q.choices) <= 26
        and fractions[-1] == 100
        and all(f == 0 for f in fractions[:-1])
    )


def write(questions: list[ParsedQuestion]) -> str:
    """Aiken text for the questions it can hold (:func:`exportable`); the
    others are left out. Texts become one plain line each."""
    blocks = []
    for q in questions:
        if not exportable(q):
            continue
        lines = [_one_line(q.text, q.text_format)]
        right = ""
        for i, c in enumerate(q.choices):
            label = chr(ord("A") + i)
            lines.append(f"{label}) {_one_line(c.text, c.text_format)}")
            if c.fraction == 100:
                right = label
        lines.append(f"ANSWER: {right}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
