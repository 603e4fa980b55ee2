"""Moodle GIFT: a parser and a writer for the subset the bank supports.

Supported: ``$CATEGORY:`` lines (``/`` nests; ``$course$/`` and ``top/``
prefixes are dropped), ``//`` comment lines, questions separated by blank
lines, titles ``::…::``, ``[html]``-style format markers (dropped), single
choice (``=`` right, ``~`` wrong, ``~%50%`` partial), multiple choice (only
``~%n%`` weights), true/false (``{T}``, ``{F}``, ``{TRUE}``, ``{FALSE}``,
with ``#wrong#right`` feedback), short answer (``{=a =%50%b}``), matching
(``{=x -> y}``), per-choice feedback ``#…``, general feedback ``####…``,
escapes ``\\: \\= \\~ \\# \\{ \\} \\\\ \\n``, text after the answers ("missing
word" questions keep a ``_____`` where the answers stood).

Not supported (reported as errors): numerical ``{#…}``, essay ``{}`` and
descriptions without answers.

The parser never raises on bad input: it returns the questions it could read
and a list of :class:`GiftError` with line numbers, so an import can refuse
the whole file and say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from elearning.people.names import normalize_text

ESCAPABLE = set(":=~#{}\\")
BLANK = "_____"
TRUE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass
class ParsedChoice:
    text: str
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    match: str = ""


@dataclass
class ParsedQuestion:
    category: str
    qtype: str
    text: str
    title: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    general_feedback: str = ""
    line: int = 0
    points: Decimal = Decimal("1")

    def key(self) -> tuple:
        """Everything but the line number, for round-trip comparisons."""
        return (
            self.category,
            self.qtype,
            self.text,
            self.title,
            self.general_feedback,
            tuple(
                (c.text, c.fraction.normalize(), c.feedback, c.match)
                for c in self.choices
            ),
        )


@dataclass(frozen=True)
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(message)s") % {
            "line": self.line,
            "message": self.message,
        }


class _Chars:
    """The block as (char, escaped, line) triples: searching skips escapes."""

    def __init__(self, chars: list[tuple[str, bool, int]]):
        self.chars = chars

    def __len__(self) -> int:
        return len(self.chars)

    def find(self, needle: str, start: int = 0, end: int | None = None) -> int:
        end = len(self.chars) if end is None else end
        n = len(needle)
        for i in range(start, end - n + 1):
            if all(
                not self.chars[i + j][1] and self.chars[i + j][0] == needle[j]
                for j in range(n)
            ):
                return i
        return -1

    def text(self, start: int = 0, end: int | None = None) -> str:
        return "".join(c for c, _e, _l in self.chars[start:end])

    def line(self, index: int) -> int:
        if not self.chars:
            return 0
        index = max(0, min(index, len(self.chars) - 1))
        return self.chars[index][2]

    def slice(self, start: int, end: int | None = None) -> _Chars:
        return _Chars(self.chars[start:end])


def _clean_text(value: str) -> str:
    """Collapse whitespace on each line (NFC); explicit ``\\n`` stay lines."""
    return "\n".join(normalize_text(part) for part in value.split("\n")).strip()


def _category_path(raw: str) -> str:
    path = raw.strip()
    for prefix in ("$course$/", "$system$/", "$module$/", "$cat1$/"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
    if path.startswith("top/"):
        path = path[4:]
    parts = [normalize_text(p) for p in path.split("/")]
    return "/".join(p for p in parts if p)


def _blocks(source: str) -> list[list[tuple[int, str]]]:
    """Non-blank, non-comment lines grouped by blank lines: [(lineno, text)]."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _tokenise(lines: list[tuple[int, str]], errors: list[GiftError]) -> _Chars | None:
    chars: list[tuple[str, bool, int]] = []
    ok = True
    for index, (number, line) in enumerate(lines):
        i = 0
        while i < len(line):
            char = line[i]
            if char == "\\":
                nxt = line[i + 1] if i + 1 < len(line) else ""
                if nxt in ESCAPABLE and nxt:
                    chars.append((nxt, True, number))
                elif nxt == "n":
                    chars.append(("\n", True, number))
                else:
                    errors.append(
                        GiftError(
                            number,
                            _(
                                "ký tự thoát không hợp lệ “\\%(char)s”: chỉ "
                                "dùng \\: \\= \\~ \\# \\{ \\} \\\\ hoặc \\n."
                            )
                            % {"char": nxt},
                        )
                    )
                    ok = False
                i += 2
                continue
            chars.append((char, False, number))
            i += 1
        if index < len(lines) - 1:
            chars.append((" ", False, number))
    return _Chars(chars) if ok else None


def _parse_weight(chars: _Chars, errors: list[GiftError]) -> tuple[Decimal | None, int]:
    """A leading ``%n%``: (weight, characters used); (None, 0) if absent."""
    if not len(chars) or chars.chars[0][0] != "%" or chars.chars[0][1]:
        return None, 0
    end = chars.find("%", 1)
    if end == -1:
        errors.append(GiftError(chars.line(0), _("thiếu dấu % đóng trọng số.")))
        return Decimal("0"), len(chars)
    raw = chars.text(1, end).strip()
    try:
        weight = Decimal(raw)
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite() or not (-100 <= weight <= 100):
        errors.append(
            GiftError(
                chars.line(0),
                _("trọng số “%(value)s” không hợp lệ (từ -100 đến 100).")
                % {"value": raw},
            )
        )
        return Decimal("0"), end + 1
    return weight, end + 1


def _split_answers(body: _Chars) -> list[tuple[str, _Chars, int]]:
    """Split on unescaped ``=`` / ``~``: [(marker, rest, line of marker)]."""
    starts = [
        i for i, (c, escaped, _l) in enumerate(body.chars) if not escaped and c in "=~"
    ]
    answers = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        answers.append(
            (body.chars[start][0], body.slice(start + 1, end), body.chars[start][2])
        )
    return answers


def _parse_block(
    lines: list[tuple[int, str]], category: str, errors: list[GiftError]
) -> ParsedQuestion | None:
    local: list[GiftError] = []
    chars = _tokenise(lines, local)
    first_line = lines[0][0]
    if chars is None:
        errors.extend(local)
        return None
    pos = 0
    while pos < len(chars) and chars.chars[pos][0].isspace():
        pos += 1
    title = ""
    if chars.find("::", pos, pos + 2) == pos:
        end = chars.find("::", pos + 2)
        if end == -1:
            errors.append(
                GiftError(first_line, _("thiếu dấu :: đóng tiêu đề câu hỏi."))
            )
            return None
        title = _clean_text(chars.text(pos + 2, end))
        pos = end + 2
    open_at = chars.find("{", pos)
    if open_at == -1:
        stray = chars.find("}", pos)
        if stray != -1:
            errors.append(
                GiftError(chars.line(stray), _("dấu } không có dấu { mở tương ứng."))
            )
        else:
            errors.append(
                GiftError(
                    first_line,
                    _(
                        "câu hỏi không có phần đáp án {…} (câu mô tả không được hỗ trợ)."
                    ),
                )
            )
        return None
    close_at = chars.find("}", open_at + 1)
    nested = chars.find("{", open_at + 1, close_at if close_at != -1 else None)
    if close_at == -1 or nested != -1:
        errors.append(
            GiftError(
                chars.line(open_at),
                _("dấu { mở phần đáp án chưa được đóng bằng dấu }."),
            )
        )
        return None
    tail_open = chars.find("{", close_at + 1)
    tail_close = chars.find("}", close_at + 1)
    if tail_open != -1 or tail_close != -1:
        at = tail_open if tail_open != -1 else tail_close
        errors.append(
            GiftError(chars.line(at), _("mỗi câu hỏi chỉ có một phần đáp án {…}."))
        )
        return None

    before = chars.text(pos, open_at)
    after = chars.text(close_at + 1)
    before = re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", before)
    text = _clean_text(before)
    if _clean_text(after):
        text = _clean_text(f"{before} {BLANK} {after}")
    if not text:
        errors.append(GiftError(first_line, _("câu hỏi không có nội dung.")))
        return None

    body = chars.slice(open_at + 1, close_at)
    general_feedback = ""
    general_at = body.find("####")
    if general_at != -1:
        general_feedback = _clean_text(body.text(general_at + 4))
        body = body.slice(0, general_at)
    body_line = chars.line(open_at)
    question = ParsedQuestion(
        category=category,
        qtype="",
        text=text,
        title=title,
        general_feedback=general_feedback,
        line=first_line,
    )

    plain = body.text().strip()
    head = body.find("#")
    word = (body.text(0, head) if head != -1 else plain).strip().upper()
    if word in TRUE_WORDS:
        feedbacks = ["", ""]
        if head != -1:
            parts = body.slice(head + 1)
            second = parts.find("#")
            if second == -1:
                feedbacks[0] = _clean_text(parts.text())
            else:
                feedbacks[0] = _clean_text(parts.text(0, second))
                feedbacks[1] = _clean_text(parts.text(second + 1))
        correct = TRUE_WORDS[word]
        wrong_feedback, right_feedback = feedbacks
        question.qtype = "true_false"
        question.choices = [
            ParsedChoice(
                _("Đúng"),
                Decimal("100") if correct else Decimal("0"),
                right_feedback if correct else wrong_feedback,
            ),
            ParsedChoice(
                _("Sai"),
                Decimal("0") if correct else Decimal("100"),
                wrong_feedback if correct else right_feedback,
            ),
        ]
        return question
    if not plain:
        errors.append(
            GiftError(
                body_line, _("phần đáp án trống (câu tự luận không được hỗ trợ).")
            )
        )
        return None
    if plain.startswith("#"):
        errors.append(
            GiftError(body_line, _("câu hỏi dạng số {#…} không được hỗ trợ."))
        )
        return None
    first_marker = next(
        (i for i, (c, e, _l) in enumerate(body.chars) if not c.isspace()), 0
    )
    if body.chars[first_marker][0] not in "=~" or body.chars[first_marker][1]:
        errors.append(
            GiftError(
                body.line(first_marker),
                _("mỗi phương án phải bắt đầu bằng = (đúng) hoặc ~ (sai)."),
            )
        )
        return None

    raw_answers = []
    failed = False
    for marker, rest, marker_line in _split_answers(body):
        start = 0
        while start < len(rest) and rest.chars[start][0].isspace():
            start += 1
        rest = rest.slice(start)
        weight, used = _parse_weight(rest, local)
        rest = rest.slice(used)
        feedback = ""
        hash_at = rest.find("#")
        if hash_at != -1:
            feedback = _clean_text(rest.text(hash_at + 1))
            rest = rest.slice(0, hash_at)
        arrow = rest.find("->")
        match = ""
        if arrow != -1:
            match = _clean_text(rest.text(arrow + 2))
            answer_text = _clean_text(rest.text(0, arrow))
        else:
            answer_text = _clean_text(rest.text())
        line = marker_line
        if not answer_text and arrow == -1:
            local.append(GiftError(line, _("phương án trống.")))
            failed = True
            continue
        if arrow != -1 and not match:
            local.append(GiftError(line, _("cặp ghép thiếu vế phải sau dấu ->.")))
            failed = True
            continue
        raw_answers.append((marker, weight, answer_text, feedback, arrow != -1, match))
    if local or failed:
        errors.extend(local)
        return None

    markers = {a[0] for a in raw_answers}
    if any(a[4] for a in raw_answers):
        if markers != {"="} or not all(a[4] or not a[2] for a in raw_answers):
            errors.append(
                GiftError(
                    body_line,
                    _("câu ghép cặp chỉ gồm các dòng dạng =vế trái -> vế phải."),
                )
            )
            return None
        pairs = [a for a in raw_answers if a[2]]
        if len(pairs) < 2:
            errors.append(GiftError(body_line, _("câu ghép cặp cần ít nhất 2 cặp.")))
            return None
        question.qtype = "matching"
        question.choices = [
            ParsedChoice(a[2], Decimal("0"), a[3], a[5]) for a in raw_answers
        ]
        return question
    if "~" in markers:
        if "=" in markers:
            question.qtype = "single"
            question.choices = [
                ParsedChoice(
                    a[2],
                    Decimal("100") if a[0] == "=" else (a[1] or Decimal("0")),
                    a[3],
                )
                for a in raw_answers
            ]
            return question
        weights = [a[1] or Decimal("0") for a in raw_answers]
        positive = [w for w in weights if w > 0]
        if not positive:
            errors.append(
                GiftError(
                    body_line,
                    _("không có đáp án đúng: đánh dấu bằng = hoặc trọng số ~%50%."),
                )
            )
            return None
        if sum(positive) != 100 and not (
            len(positive) > 2 and abs(sum(positive) - 100) < Decimal("0.1")
        ):
            errors.append(
                GiftError(
                    body_line,
                    _(
                        "tổng trọng số các đáp án đúng phải bằng 100%% (đang là %(s)s%%)."
                    )
                    % {"s": sum(positive).normalize()},
                )
            )
            return None
        question.qtype = "single" if positive == [Decimal("100")] else "multiple"
        question.choices = [
            ParsedChoice(a[2], w, a[3])
            for a, w in zip(raw_answers, weights, strict=True)
        ]
        return question
    question.qtype = "short"
    question.choices = [
        ParsedChoice(a[2], a[1] if a[1] is not None else Decimal("100"), a[3])
        for a in raw_answers
    ]
    return question


def parse(
    source: str, *, default_category: str = ""
) -> tuple[list[ParsedQuestion], list[GiftError]]:
    """Read GIFT text: (questions, errors). Nothing raises on bad input."""
    if source.startswith("\ufeff"):
        source = source[1:]
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    category = _category_path(default_category)
    for block in _blocks(source):
        first = block[0][1].strip()
        if first.startswith("$CATEGORY:"):
            category = _category_path(first[len("$CATEGORY:") :])
            if not category:
                errors.append(GiftError(block[0][0], _("tên nhóm câu hỏi trống.")))
            block = block[1:]
            if not block:
                continue
        question = _parse_block(block, category, errors)
        if question is not None:
            if not question.category:
                errors.append(
                    GiftError(
                        question.line,
                        _(
                            "câu hỏi chưa thuộc nhóm nào: thêm dòng $CATEGORY: hoặc chọn nhóm."
                        ),
                    )
                )
            questions.append(question)
    return questions, errors


# --- Writer -------------------------------------------------------------------


def escape(value: str) -> str:
    out = []
    for char in value:
        if char in ESCAPABLE:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _weight(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return f"%{text}%"


def _answers(q: ParsedQuestion) -> list[str]:
    lines = []
    for c in q.choices:
        feedback = f" #{escape(c.feedback)}" if c.feedback else ""
        if q.qtype == "matching":
            lines.append(f"={escape(c.text)} -> {escape(c.match)}{feedback}")
        elif q.qtype == "short":
            weight = "" if c.fraction == 100 else _weight(c.fraction)
            lines.append(f"={weight}{escape(c.text)}{feedback}")
        elif q.qtype == "single" and c.fraction == 100:
            lines.append(f"={escape(c.text)}{feedback}")
        elif q.qtype == "single" and c.fraction == 0:
            lines.append(f"~{escape(c.text)}{feedback}")
        else:
            lines.append(f"~{_weight(c.fraction)}{escape(c.text)}{feedback}")
    return lines


def write_question(q: ParsedQuestion) -> str:
    title = f"::{escape(q.title)}:: " if q.title else ""
    text = escape(q.text)
    general = f"\n####{escape(q.general_feedback)}" if q.general_feedback else ""
    if q.qtype == "true_false":
        right = next((c for c in q.choices if c.fraction > 0), q.choices[0])
        wrong = next((c for c in q.choices if c is not right), None)
        truth = "T" if q.choices.index(right) == 0 else "F"
        wrong_fb = wrong.feedback if wrong else ""
        feedback = ""
        if wrong_fb or right.feedback:
            feedback = f"#{escape(wrong_fb)}"
            if right.feedback:
                feedback += f"#{escape(right.feedback)}"
        body = f"{{{truth}{feedback}{general}}}"
        return f"{title}{text} {body}"
    answers = "\n".join(_answers(q))
    return f"{title}{text} {{\n{answers}{general}\n}}"


def write(questions: list[ParsedQuestion]) -> str:
    """GIFT text for ``questions``, a ``$CATEGORY:`` line at each change."""
    out: list[str] = []
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {category}\n")
        out.append(write_question(q) + "\n")
    return "\n".join(out)
