"""Moodle GIFT: a reader that follows Moodle's own, and a writer.

The rules are those of Moodle's ``question/format/gift/format.php``:

- questions are separated by blank lines; ``//`` lines are comments, and a
  comment's ``[id:…]`` and ``[tag:…]`` give the question's id number and
  tags; ``$CATEGORY: A/B`` switches category (``$course$/``, ``top/``
  prefixes dropped);
- ``::title::`` (an unclosed ``::`` is part of no title: Moodle drops the
  two colons and reads on);
- the first ``{`` and the first ``}`` delimit the answers; text after them
  makes a "missing word" question (``_____`` where the answers stood);
  no braces at all make a **description** (text only, no score) and empty
  braces ``{}`` an **essay**;
- the type comes from the answers as Moodle decides it: ``#…`` numerical,
  any ``~`` multiple choice (single when some answer starts with ``=``,
  several answers otherwise), ``=`` with ``->`` matching, ``T``/``TRUE``/
  ``F``/``FALSE`` (upper case) true/false, anything else short answer;
- ``[html]``, ``[moodle]``, ``[plain]``, ``[markdown]`` at the start of the
  question text, an answer or a feedback set that text's format and are
  removed; answers and feedback default to the question text's format;
- ``%n%`` weights as Moodle's pattern reads them (a ``%…%`` it does not read
  stays in the text); ``#`` feedback, ``####`` general feedback (the last);
- escapes ``\\: \\# \\= \\{ \\} \\~ \\n`` and ``\\\\``; any other backslash is
  kept as written (``C\\:\\Windows`` reads ``C:\\Windows``);
- text keeps its lines and spaces (only the ends are trimmed): ``<pre>``
  stays intact.

Stricter than Moodle, where Moodle would store something no learner can
use: a second answer block, nested or unbalanced braces, empty answers,
single choice without a right answer, multiple-answer weights not adding up
to 100 %, weights outside −100…100, numerical answers that are not numbers,
matching with fewer than two pairs.

The parser never raises on bad input: it returns the questions it could
read and a list of :class:`GiftError` with line numbers, so an import can
refuse the whole file and say why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from elearning.people.names import normalize_text

BLANK = "_____"
FORMATS = ("moodle", "html", "plain", "markdown")
TRUE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}

# Escaped control characters become private-use placeholders while the
# structure is read, then the characters they stand for (Moodle's
# escapedchar_pre / escapedchar_post).
_ESCAPES = {":": "\ue03a", "#": "\ue023", "=": "\ue03d", "{": "\ue07b"}
_ESCAPES.update({"}": "\ue07d", "~": "\ue07e", "n": "\ue00a"})
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_WEIGHT = re.compile(r"^%(-*)([0-9]{1,2}\.?[0-9]*)%")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\[\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
ESCAPABLE = set(":=~#{}\\")


@dataclass
class ParsedChoice:
    text: str
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    match: str = ""
    text_format: str = "plain"
    feedback_format: str = "plain"
    tolerance: Decimal | None = None

    def key(self) -> tuple:
        tolerance = None if self.tolerance is None else self.tolerance.normalize()
        # An empty text has no format worth comparing (GIFT cannot write one).
        return (
            self.text,
            self.fraction.normalize(),
            self.feedback,
            self.match,
            self.text_format if self.text else "",
            self.feedback_format if self.feedback else "",
            tolerance,
        )


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
    text_format: str = "plain"
    general_feedback_format: str = "plain"
    idnumber: str = ""
    tags: list[str] = field(default_factory=list)
    # Files the texts point to (media path → content; Moodle XML's <file>),
    # stored by the import; not part of the key: the texts name them.
    files: dict[str, bytes] = field(default_factory=dict)

    def key(self) -> tuple:
        """Everything but the line number, for round-trip comparisons."""
        return (
            self.category,
            self.qtype,
            self.text,
            self.title,
            self.general_feedback,
            self.text_format,
            self.general_feedback_format if self.general_feedback else "",
            self.idnumber,
            tuple(sorted(self.tags)),
            self.points.normalize(),
            tuple(c.key() for c in self.choices),
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


class _Refused(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


def _pre(text: str) -> str:
    """Escapes to placeholders; ``\\\\`` to one backslash; others kept."""
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _post(text: str) -> str:
    return text.translate(_UNESCAPE)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format: (text, format)."""
    fmt = default
    if text.startswith("["):
        end = text.find("]")
        if end != -1 and text[1:end] in FORMATS:
            fmt = text[1:end]
            text = text[end + 1 :]
    return _nfc(_post(text).strip()), fmt


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
    """Lines grouped by blank lines: [(lineno, text)] (comments included)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        current.append((number, line))
    if current:
        blocks.append(current)
    return [b for b in blocks if any(not ln.strip().startswith("//") for _n, ln in b)]


def _idnumber_and_tags(comments: str) -> tuple[str, list[str]]:
    idnumber = ""
    found = _ID.search(comments)
    if found:
        idnumber = found.group(1).strip().replace("\\]", "]")
    tags = []
    for raw in _TAG.findall(comments):
        tag = normalize_text(raw.replace("\\]", "]"))
        if tag and tag not in tags:
            tags.append(tag)
    return normalize_text(idnumber), tags


def _weight(answer: str, offset: int) -> tuple[Decimal | None, str]:
    """A leading ``%n%`` read as Moodle reads it: (weight or None, rest)."""
    found = _WEIGHT.match(answer)
    if not found:
        return None, answer
    raw = found.group(2).rstrip(".")
    try:
        weight = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern allows digits only
        weight = Decimal("0")
    if found.group(1):
        weight = -weight
    if not (-100 <= weight <= 100):
        raise _Refused(
            offset,
            _("trọng số “%(value)s” không hợp lệ (từ -100 đến 100).")
            % {"value": found.group(0).strip("%")},
        )
    return weight, answer[found.end() :]


def _split(body: str, sep: str, base: int) -> list[tuple[str, int]]:
    """``body`` split on ``sep``: [(part, offset of the part)], Moodle's way
    (a first empty part is dropped)."""
    parts = []
    start = 0
    for found in re.finditer(re.escape(sep), body):
        parts.append((body[start : found.start()], base + start))
        start = found.end()
    parts.append((body[start:], base + start))
    if parts and not parts[0][0].strip():
        parts = parts[1:]
    return parts


def _comment(answer: str, default: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Moodle's commentparser: ((text, format), (feedback, format))."""
    text, _hash, feedback = answer.partition("#")
    fb = _with_format(feedback.strip(), default) if _hash else ("", default)
    return _with_format(text.strip(), default), fb


def _number(raw: str, offset: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise _Refused(
            offset,
            _("“%(value)s” không phải là số (dùng dấu chấm thập phân: 1.5).")
            % {"value": _post(raw.strip())},
        )
    return value


def _numerical(body: str, base: int, fmt: str) -> list[ParsedChoice]:
    body = body[1:]
    wrong = ""
    tilde = body.find("~")
    if tilde != -1:
        wrong, body = body[tilde:], body[:tilde]
    choices = []
    for raw, offset in _split(body, "=", base + 1):
        answer = raw.strip()
        weight, answer = _weight(answer, offset)
        (value, _f), (feedback, feedback_format) = _comment(answer, fmt)
        if ".." in value[1:]:
            low, high = value.split("..", 1)
            low_n, high_n = _number(low, offset), _number(high, offset)
            middle = (low_n + high_n) / 2
            number, tolerance = middle, high_n - middle
            value = format(number.normalize(), "f")
        elif ":" in value[1:]:
            number_raw, tol_raw = value.split(":", 1)
            number = _number(number_raw, offset)
            tolerance = _number(tol_raw, offset)
            value = number_raw.strip()
        else:
            tolerance = Decimal("0")
            if value != "*":
                _number(value, offset)
        choices.append(
            ParsedChoice(
                value,
                Decimal("100") if weight is None else weight,
                feedback,
                text_format="plain",
                feedback_format=feedback_format,
                tolerance=abs(tolerance),
            )
        )
    if not choices:
        raise _Refused(base, _("câu hỏi dạng số chưa có đáp án."))
    if wrong:
        _unused, (feedback, feedback_format) = _comment(wrong[1:], fmt)
        choices.append(
            ParsedChoice(
                "*",
                Decimal("0"),
                feedback,
                text_format="plain",
                feedback_format=feedback_format,
                tolerance=Decimal("0"),
            )
        )
    return choices


def _read(
    lines: list[tuple[int, str]], category: str
) -> tuple[ParsedQuestion | None, list[GiftError]]:
    """One block (no category line) → (question, errors)."""
    first_line = lines[0][0]
    comments = "".join(ln.strip() + "\n" for _n, ln in lines if _is_comment(ln))
    raw = "\n".join(" " if _is_comment(ln) else ln for _n, ln in lines)
    full = _pre(raw)
    text = full.lstrip()
    offset = len(full) - len(text)
    text = text.rstrip()

    def line_at(index: int) -> int:
        return first_line + full[: offset + index].count("\n")

    try:
        question = _read_text(text, category, line_at)
    except _Refused as refused:
        return None, [GiftError(line_at(refused.offset), refused.message)]
    question.line = first_line
    question.idnumber, question.tags = _idnumber_and_tags(comments)
    return question, []


def _is_comment(line: str) -> bool:
    return line.strip().startswith("//")


def _read_text(text: str, category: str, line_at) -> ParsedQuestion:
    base = 0
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            text, base = text[2:], 2
        else:
            title = normalize_text(_post(text[2:end]))
            rest = text[end + 2 :]
            stripped = rest.lstrip()
            base = end + 2 + len(rest) - len(stripped)
            text = stripped
    start = text.find("{")
    finish = text.find("}")
    description = start == -1 and finish == -1
    if description:
        question_text, answers = text, ""
    elif finish != -1 and (start == -1 or finish < start):
        raise _Refused(base + finish, _("dấu } không có dấu { mở tương ứng."))
    else:
        if finish == -1 or text.find("{", start + 1, finish) != -1:
            raise _Refused(
                base + start, _("dấu { mở phần đáp án chưa được đóng bằng dấu }.")
            )
        tail = text[finish + 1 :]
        if "{" in tail or "}" in tail:
            at = finish + 1 + min(i for i in (tail.find("{"), tail.find("}")) if i >= 0)
            raise _Refused(base + at, _("mỗi câu hỏi chỉ có một phần đáp án {…}."))
        inner = text[start + 1 : finish]
        answers = inner.strip()
        answers_at = base + start + 1 + (len(inner) - len(inner.lstrip()))
        if text.endswith("}"):
            question_text = text[:start] + text[finish + 1 :]
        else:
            question_text = text[:start] + BLANK + text[finish + 1 :]
    general = ""
    separator = answers.rfind("####")
    if separator != -1:
        general = answers[separator + 4 :]
        answers = answers[:separator].strip()
    body, text_format = _with_format(question_text, "moodle")
    general, general_format = _with_format(general.strip(), text_format)
    if not body:
        raise _Refused(base, _("câu hỏi không có nội dung."))
    question = ParsedQuestion(
        category=category,
        qtype="",
        text=body,
        title=title,
        general_feedback=general,
        text_format=text_format,
        general_feedback_format=general_format,
    )
    if description:
        question.qtype = "description"
        question.points = Decimal("0")
        return question
    if not answers:
        question.qtype = "essay"
        return question
    if answers.startswith("#"):
        question.qtype = "numerical"
        question.choices = _numerical(answers, answers_at, text_format)
        return question
    if "~" in answers:
        _multichoice(question, answers, answers_at)
        return question
    if "=" in answers and "->" in answers:
        _matching(question, answers, answers_at)
        return question
    head = answers.split("#", 1)[0].strip() if answers.find("#") > 0 else answers
    if head in TRUE_WORDS:
        _true_false(question, answers)
        return question
    question.qtype = "short"
    for raw, at in _split(answers, "=", answers_at):
        weight, rest = _weight(raw.strip(), at)
        (value, _f), (feedback, feedback_format) = _comment(rest, text_format)
        if not value:
            raise _Refused(at, _("phương án trống."))
        question.choices.append(
            ParsedChoice(
                value,
                Decimal("100") if weight is None else weight,
                feedback,
                text_format="plain",
                feedback_format=feedback_format,
            )
        )
    if not question.choices:
        raise _Refused(answers_at, _("phương án trống."))
    return question


def _multichoice(question: ParsedQuestion, answers: str, at: int) -> None:
    single = "=" in answers
    # Moodle splits on "~" after turning each "=" into "~=": every "~" or
    # "=" starts an answer, and "=" stays on it as its mark.
    starts = [m.start() for m in re.finditer("[~=]", answers)]
    parts = [(answers[: starts[0]], at)] if starts else [(answers, at)]
    for n, begin in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(answers)
        piece = answers[begin:end]
        parts.append((piece[1:] if piece[0] == "~" else piece, at + begin + 1))
    if parts and not parts[0][0].strip():
        parts = parts[1:]
    if len(parts) < 2:
        raise _Refused(at, _("câu hỏi nhiều lựa chọn cần ít nhất 2 phương án."))
    for raw, offset in parts:
        answer = raw.strip()
        if answer.startswith("="):
            weight, answer = Decimal("100"), answer[1:]
        else:
            weight, answer = _weight(answer, offset)
            weight = Decimal("0") if weight is None else weight
        (text, text_format), (feedback, feedback_format) = _comment(
            answer, question.text_format
        )
        if not text:
            raise _Refused(offset, _("phương án trống."))
        question.choices.append(
            ParsedChoice(text, weight, feedback, "", text_format, feedback_format)
        )
    positive = [c.fraction for c in question.choices if c.fraction > 0]
    if not positive:
        raise _Refused(
            at, _("không có đáp án đúng: đánh dấu bằng = hoặc trọng số ~%50%.")
        )
    if single:
        question.qtype = "single"
        return
    total = sum(positive)
    if total != 100 and not (len(positive) > 2 and abs(total - 100) < Decimal("0.1")):
        raise _Refused(
            at,
            _("tổng trọng số các đáp án đúng phải bằng 100%% (đang là %(s)s%%).")
            % {"s": total.normalize()},
        )
    question.qtype = "multiple"


def _matching(question: ParsedQuestion, answers: str, at: int) -> None:
    question.qtype = "matching"
    for raw, offset in _split(answers, "=", at):
        answer = raw.strip()
        if "->" not in answer:
            raise _Refused(
                offset, _("câu ghép cặp chỉ gồm các dòng dạng =vế trái -> vế phải.")
            )
        left, _arrow, right = answer.partition("->")
        text, text_format = _with_format(left.strip(), question.text_format)
        match = _nfc(_post(right).strip())
        if not match:
            raise _Refused(offset, _("cặp ghép thiếu vế phải sau dấu ->."))
        question.choices.append(
            ParsedChoice(text, Decimal("0"), "", match, text_format, "plain")
        )
    if sum(1 for c in question.choices if c.text) < 2:
        raise _Refused(at, _("câu ghép cặp cần ít nhất 2 cặp."))


def _true_false(question: ParsedQuestion, answers: str) -> None:
    bits = answers.split("#", 2)
    fmt = question.text_format
    word = _with_format(bits[0].strip(), fmt)[0]
    wrong = _with_format(bits[1].strip(), fmt) if len(bits) > 1 else ("", fmt)
    right = _with_format(bits[2].strip(), fmt) if len(bits) > 2 else ("", fmt)
    correct = TRUE_WORDS[word]
    true_fb, false_fb = (right, wrong) if correct else (wrong, right)
    question.qtype = "true_false"
    question.choices = [
        ParsedChoice(
            _("Đúng"),
            Decimal("100") if correct else Decimal("0"),
            true_fb[0],
            feedback_format=true_fb[1],
        ),
        ParsedChoice(
            _("Sai"),
            Decimal("0") if correct else Decimal("100"),
            false_fb[0],
            feedback_format=false_fb[1],
        ),
    ]


def _duplicates(questions: list[ParsedQuestion]) -> list[GiftError]:
    """Errors for one title (or id number) given to two different questions.

    The bank updates a question in place on the next import, found by
    (category, id number), or for one without an id number by (category,
    title, type): two different questions under one such key could not be
    told apart. A question with an id number shares its title freely (Moodle
    XML often repeats names). The same question written twice is not an
    error.
    """
    errors = []
    seen: dict[tuple, ParsedQuestion] = {}
    for q in questions:
        keys = []
        if q.idnumber:
            keys.append(("id", q.category, q.idnumber))
        elif q.title:
            keys.append(("title", q.category, q.title, q.qtype))
        for key in keys:
            first = seen.setdefault(key, q)
            if first is not q and first.key() != q.key():
                message = (
                    _(
                        "mã câu hỏi “%(name)s” đã dùng cho một câu hỏi khác ở dòng "
                        "%(first)s (trong cùng nhóm)."
                    )
                    if key[0] == "id"
                    else _(
                        "tiêu đề “%(name)s” đã dùng cho một câu hỏi khác cùng loại "
                        "ở dòng %(first)s (trong cùng nhóm)."
                    )
                )
                errors.append(
                    GiftError(q.line, message % {"name": key[2], "first": first.line})
                )
                break
    return errors


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
        index = next(i for i, (_n, ln) in enumerate(block) if not _is_comment(ln))
        first = block[index][1].strip()
        if first.startswith("$CATEGORY:"):
            category = _category_path(first[len("$CATEGORY:") :])
            if not category:
                errors.append(GiftError(block[index][0], _("tên nhóm câu hỏi trống.")))
            block = block[:index] + block[index + 1 :]
            if all(_is_comment(ln) for _n, ln in block):
                continue
        question, problems = _read(block, category)
        errors.extend(problems)
        if question is None:
            continue
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
    errors.extend(_duplicates(questions))
    errors.sort(key=lambda e: e.line)
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


def _text(value: str, fmt: str, default: str) -> str:
    marker = f"[{fmt}]" if value and (fmt != default or value.startswith("[")) else ""
    return marker + escape(value)


def _weight_text(value: Decimal) -> str:
    return f"%{format(value.normalize(), 'f')}%"


def _feedback(c: ParsedChoice, fmt: str) -> str:
    return f"#{_text(c.feedback, c.feedback_format, fmt)}" if c.feedback else ""


def _answers(q: ParsedQuestion) -> list[str]:
    fmt = q.text_format
    lines = []
    for c in q.choices:
        if q.qtype == "matching":
            left = _text(c.text, c.text_format, fmt)
            lines.append(f"={left} -> {escape(c.match)}")
        elif q.qtype == "short":
            weight = "" if c.fraction == 100 else _weight_text(c.fraction)
            lines.append(f"={weight}{escape(c.text)}{_feedback(c, fmt)}")
        elif q.qtype == "numerical":
            if c.text == "*" and c.fraction == 0:
                lines.append(f"~#{_text(c.feedback, c.feedback_format, fmt)}")
                continue
            tolerance = format((c.tolerance or Decimal(0)).normalize(), "f")
            lines.append(
                f"={_weight_text(c.fraction)}{c.text}:{tolerance}{_feedback(c, fmt)}"
            )
        else:
            text = _text(c.text, c.text_format, fmt)
            if q.qtype == "single" and c.fraction == 100:
                marker = "="
            elif c.fraction == 0:
                marker = "~"
            else:
                marker = "~" + _weight_text(c.fraction)
            lines.append(f"{marker}{text}{_feedback(c, fmt)}")
    return lines


def _bracket(value: str) -> str:
    return value.replace("]", "\\]")


def write_question(q: ParsedQuestion) -> str:
    head = ""
    if q.idnumber or q.tags:
        marks = [f"[id:{_bracket(q.idnumber)}]"] if q.idnumber else []
        marks += [f"[tag:{_bracket(t)}]" for t in q.tags]
        head = "// " + " ".join(marks) + "\n"
    title = f"::{escape(q.title)}::" if q.title else ""
    text = _text(q.text, q.text_format, "moodle")
    general = ""
    if q.general_feedback:
        general = "####" + _text(
            q.general_feedback, q.general_feedback_format, q.text_format
        )
    if q.qtype == "description":
        return f"{head}{title}{text}"
    if q.qtype == "essay":
        return f"{head}{title}{text}{{{general}}}"
    if q.qtype == "true_false":
        right = next((c for c in q.choices if c.fraction > 0), q.choices[0])
        wrong = next((c for c in q.choices if c is not right), None)
        truth = "TRUE" if q.choices.index(right) == 0 else "FALSE"
        fmt = q.text_format
        feedback = ""
        if (wrong and wrong.feedback) or right.feedback:
            feedback = "#" + (
                _text(wrong.feedback, wrong.feedback_format, fmt) if wrong else ""
            )
            if right.feedback:
                feedback += "#" + _text(right.feedback, right.feedback_format, fmt)
        return f"{head}{title}{text}{{{truth}{feedback}{general}}}"
    answers = "\n".join(_answers(q))
    opening = "{#" if q.qtype == "numerical" else "{"
    general = f"\n{general}" if general else ""
    return f"{head}{title}{text}{opening}\n{answers}{general}\n}}"


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
