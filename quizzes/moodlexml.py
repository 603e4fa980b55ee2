"""Moodle XML: a reader that follows Moodle's own, and a writer.

The rules are those of Moodle's ``question/format/xml/format.php``:

- ``<quiz>`` holds ``<question type="…">`` elements; ``type="category"``
  switches category (``<category><text>$course$/top/A/B</text>``, the
  ``$course$/`` and ``top/`` prefixes dropped, as in GIFT);
- every question has ``<name>`` (our title), ``<questiontext
  format="…">`` (``html`` when not given), ``<generalfeedback>`` (the
  question text's format when not given), ``<defaultgrade>`` (points, 1
  when not given), ``<idnumber>``, ``<tags>`` and ``<coursetags>``;
  texts are the ``<text>`` child, trimmed;
- formats: ``moodle_auto_format`` → moodle, ``html``, ``plain_text`` →
  plain, ``markdown``; ``wiki_like`` (which Moodle no longer formats) →
  plain; anything else → html, as Moodle assumes;
- ``multichoice`` with ``<single>`` (``true`` unless ``false``/``0``/empty)
  → single or multiple choice, answers in their own format (the question
  text's when not given); ``truefalse`` by the answers' texts ``true`` and
  ``false`` (else by order, true first); ``shortanswer`` and ``numerical``
  answers are plain text, numerical with ``<tolerance>`` (0 when not given;
  an empty answer is ``*``); ``matching`` (or ``match``) from
  ``<subquestion>`` with its ``<answer>``: an empty subquestion is a
  distractor, a right-hand option only; ``essay``, ``description``
  (no points);
- every ``<answer fraction="…">`` is a percentage (weights are kept to four
  decimals: Moodle's 33.33333 is 33.3333);
- ``<file name="x.png" encoding="base64">`` inside a text element is the
  file ``@@PLUGINFILE@@/x.png`` points to (and the old ``<image>`` with
  ``<image_base64>``): images (PNG, JPEG, GIF, WebP) and sounds (MP3, OGG,
  WAV), recognised by content, go to the platform's media
  (quizzes/media.py) and the text points there.

Refused, nothing written, with the question's line and name: types this
platform does not have (``cloze``/``multianswer``, ``calculated…``, drag
and drop, ``random``…), a single choice without a 100 % answer or a
multiple choice whose right answers do not add up to 100 % (Moodle refuses
both when saving), fewer than two choices or pairs, numbers that are not
numbers, files of other types, and XML with a DTD or entities (read with
defusedxml, so no entity expansion and no external reference).
Shortanswer's ``usecase`` is not kept: answers are always compared
without case (docs/quizzes.md).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import unquote
from xml.etree.ElementTree import Element, TreeBuilder
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from elearning.people.names import normalize_text

from .formatting import to_plain
from .gift import (
    GiftError,
    ParsedChoice,
    ParsedQuestion,
    _category_path,
    _duplicates,
)
from .media import (
    MAX_FILE_BYTES,
    media_kind,
    media_names,
    media_path,
    media_replace,
    media_url,
)

PLUGINFILE = "@@PLUGINFILE@@/"
FORMAT_IN = {
    "moodle_auto_format": "moodle",
    "html": "html",
    "plain_text": "plain",
    "markdown": "markdown",
    "wiki_like": "plain",
}
FORMAT_OUT = {"moodle": "moodle_auto_format", "html": "html"}
FORMAT_OUT |= {"plain": "plain_text", "markdown": "markdown"}
TYPES = {
    "multichoice": "multichoice",
    "truefalse": "true_false",
    "shortanswer": "short",
    "numerical": "numerical",
    "matching": "matching",
    "match": "matching",
    "essay": "essay",
    "description": "description",
}
TYPE_OUT = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "short": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
}
NAME_LENGTH = 80
_FOUR = Decimal("0.0001")
_CENT = Decimal("0.01")


class _Refused(Exception):
    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


class _Lines:
    """An ElementTree target that remembers the line each element starts on."""

    def __init__(self):
        self.builder = TreeBuilder()
        self.lines: dict[Element, int] = {}
        self.parser = None

    def start(self, tag, attrs):
        element = self.builder.start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element

    def end(self, tag):
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def _read_tree(data: bytes) -> tuple[Element, dict[Element, int]]:
    target = _Lines()
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    target.parser = parser
    parser.feed(data)
    return parser.close(), target.lines


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(element: Element | None) -> str:
    """The trimmed ``<text>`` of ``element`` ('' when there is none)."""
    if element is None:
        return ""
    node = element.find("text")
    return _nfc((node.text or "") if node is not None else "").strip()


def _format(element: Element | None, default: str) -> str:
    if element is None or "format" not in element.attrib:
        return default
    return FORMAT_IN.get(element.attrib["format"].strip(), "html")


def _number(raw: str, what: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    # Beyond 10^12 nothing here is meaningful (and quantize would fail).
    if value is None or not value.is_finite() or abs(value) >= 10**12:
        raise _Refused(
            _("%(what)s “%(value)s” không phải là số.") % {"what": what, "value": raw}
        )
    return value


class _Question:
    """Reads one ``<question>``; collects its files."""

    def __init__(self, element: Element, lines: dict[Element, int]):
        self.element = element
        self.lines = lines
        self.files: dict[str, bytes] = {}
        self.text_format = _format(element.find("questiontext"), "html")

    def line(self, element: Element | None) -> int:
        return self.lines.get(element, self.lines.get(self.element, 0))

    def _store(self, name: str, payload: str, at: Element) -> str:
        """The media URL for one embedded file (checked and kept for saving)."""
        try:
            data = base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            raise _Refused(
                _("tệp “%(name)s” không đọc được (base64 hỏng).") % {"name": name},
                self.line(at),
            ) from None
        if len(data) > MAX_FILE_BYTES:
            raise _Refused(
                _("tệp “%(name)s” lớn hơn 5 MB.") % {"name": name}, self.line(at)
            )
        kind = media_kind(data)
        if kind is None:
            raise _Refused(
                _(
                    "tệp “%(name)s” không phải ảnh (PNG, JPEG, GIF, WebP) hay âm "
                    "thanh (MP3, OGG, WAV)."
                )
                % {"name": name},
                self.line(at),
            )
        path = media_path(data, kind)
        self.files[path] = data
        return media_url(path)

    def rich(self, element: Element | None, default: str) -> tuple[str, str]:
        """(text, format) of a text element, its files stored and pointed to."""
        text = _text(element)
        fmt = _format(element, default)
        if element is None:
            return text, fmt
        urls = {}
        for node in element.findall("file"):
            name = node.attrib.get("name", "").strip()
            if not name or (node.attrib.get("encoding", "base64") != "base64"):
                continue
            urls[name] = self._store(name, node.text or "", node)
        if urls and PLUGINFILE in text:

            def point(found: re.Match) -> str:
                name = unquote(found.group(1))
                return urls.get(name, found.group(0))

            text = re.sub(re.escape(PLUGINFILE) + r"([^\"'\s<>?#()]+)", point, text)
        return text, fmt

    def old_image(self, text: str) -> str:
        """Moodle 1.x's ``<image>`` + ``<image_base64>``: appended as an img."""
        name = (self.element.findtext("image") or "").strip()
        payload = self.element.findtext("image_base64") or ""
        if not name or not payload.strip():
            return text
        url = self._store(name, payload, self.element.find("image_base64"))
        return f'{text} <img src="{url}" alt="">'.strip()


def _fraction(answer: Element, q: _Question) -> Decimal:
    raw = answer.attrib.get("fraction", "0")
    try:
        value = _number(raw, _("trọng số")).quantize(_FOUR, rounding=ROUND_HALF_UP)
    except _Refused as refused:
        raise _Refused(refused.message, q.line(answer)) from None
    if not -100 <= value <= 100:
        raise _Refused(
            _("trọng số “%(value)s” không hợp lệ (từ -100 đến 100).") % {"value": raw},
            q.line(answer),
        )
    return value


def _feedback(answer: Element, q: _Question) -> tuple[str, str]:
    return q.rich(answer.find("feedback"), q.text_format)


def _multichoice(question: ParsedQuestion, q: _Question) -> None:
    single = (q.element.findtext("single") or "true").strip()
    question.qtype = "multiple" if single in ("false", "0", "") else "single"
    for answer in q.element.findall("answer"):
        text, fmt = q.rich(answer, q.text_format)
        feedback, feedback_format = _feedback(answer, q)
        question.choices.append(
            ParsedChoice(text, _fraction(answer, q), feedback, "", fmt, feedback_format)
        )
    if len(question.choices) < 2:
        raise _Refused(_("câu hỏi nhiều lựa chọn cần ít nhất 2 phương án."))
    if any(not c.text for c in question.choices):
        raise _Refused(_("phương án trống."))
    if question.qtype == "single":
        if max(c.fraction for c in question.choices) != 100:
            raise _Refused(_("không có đáp án đúng (100%)."))
        return
    # Moodle's check when it saves: the right answers' fractions, rounded
    # to two decimals, add up to 1 (so 3 × 33.33333 % passes).
    total = sum(c.fraction for c in question.choices if c.fraction > 0)
    if (total / 100).quantize(_CENT, rounding=ROUND_HALF_UP) != 1:
        raise _Refused(
            _("tổng trọng số các đáp án đúng phải bằng 100%% (đang là %(s)s%%).")
            % {"s": format(total.normalize(), "f")}
        )


def _true_false(question: ParsedQuestion, q: _Question) -> None:
    question.qtype = "true_false"
    answers = q.element.findall("answer")
    if not answers:
        raise _Refused(_("câu hỏi đúng/sai thiếu đáp án."))
    correct = None
    feedbacks = {True: ("", q.text_format), False: ("", q.text_format)}
    for index, answer in enumerate(answers[:2]):
        word = (answer.findtext("text") or "").strip()
        is_true = word == "true" if word in ("true", "false") else index == 0
        feedbacks[is_true] = _feedback(answer, q)
        right = _fraction(answer, q) == 100
        correct = right if is_true else not right
    question.choices = [
        ParsedChoice(
            _("Đúng"),
            Decimal("100") if correct else Decimal("0"),
            feedbacks[True][0],
            feedback_format=feedbacks[True][1],
        ),
        ParsedChoice(
            _("Sai"),
            Decimal("0") if correct else Decimal("100"),
            feedbacks[False][0],
            feedback_format=feedbacks[False][1],
        ),
    ]


def _typed_answers(question: ParsedQuestion, q: _Question, *, numerical: bool) -> None:
    """The answers a learner types (short answer, numerical): plain text,
    weight and feedback, a numerical one with its tolerance."""
    for answer in q.element.findall("answer"):
        text = _text(answer)
        tolerance = None
        if numerical:
            text = text or "*"
            try:
                if text != "*":
                    _number(text, _("đáp án"))
                tolerance = abs(
                    _number(answer.findtext("tolerance") or "0", _("sai số cho phép"))
                )
            except _Refused as refused:
                raise _Refused(refused.message, q.line(answer)) from None
        elif not text:
            continue
        feedback, feedback_format = _feedback(answer, q)
        question.choices.append(
            ParsedChoice(
                text,
                _fraction(answer, q),
                feedback,
                text_format="plain",
                feedback_format=feedback_format,
                tolerance=tolerance,
            )
        )


def _short(question: ParsedQuestion, q: _Question) -> None:
    question.qtype = "short"
    _typed_answers(question, q, numerical=False)
    if not question.choices:
        raise _Refused(_("câu trả lời ngắn chưa có đáp án."))


def _numerical(question: ParsedQuestion, q: _Question) -> None:
    question.qtype = "numerical"
    _typed_answers(question, q, numerical=True)
    if not question.choices:
        raise _Refused(_("câu hỏi dạng số chưa có đáp án."))


def _matching(question: ParsedQuestion, q: _Question) -> None:
    question.qtype = "matching"
    for sub in q.element.findall("subquestion"):
        text, fmt = q.rich(sub, q.text_format)
        match = _text(sub.find("answer"))
        if not text and not match:
            continue
        if not match:
            raise _Refused(_("cặp ghép thiếu vế phải."), q.line(sub))
        question.choices.append(
            ParsedChoice(text, Decimal("0"), "", match, fmt, "plain")
        )
    if sum(1 for c in question.choices if c.text) < 2:
        raise _Refused(_("câu ghép cặp cần ít nhất 2 cặp."))


def default_name(text: str, fmt: str) -> str:
    """The name Moodle needs for a question without a title: the start of
    its text. A question read back with exactly this name has no title."""
    plain = " ".join(to_plain(text, fmt).split())
    if len(plain) <= NAME_LENGTH:
        return plain
    return plain[: NAME_LENGTH - 1].rstrip() + "…"


def _question(element: Element, lines, category: str) -> ParsedQuestion:
    kind = element.attrib.get("type", "").strip()
    q = _Question(element, lines)
    if kind not in TYPES:
        raise _Refused(
            _("loại câu hỏi “%(type)s” của Moodle chưa được hỗ trợ.")
            % {"type": kind or "?"}
        )
    text, text_format = q.rich(element.find("questiontext"), "html")
    text = q.old_image(text)
    general, general_format = q.rich(element.find("generalfeedback"), text_format)
    # As Moodle's clean_question_name: plain text, at most 255 characters.
    name = normalize_text(to_plain(_text(element.find("name")), "html"))[:255]
    raw_points = (element.findtext("defaultgrade") or "1").strip() or "1"
    points = _number(raw_points, _("điểm")).quantize(_CENT, rounding=ROUND_HALF_UP)
    tags = []
    for holder in ("tags", "coursetags"):
        for tag in element.findall(f"{holder}/tag"):
            value = normalize_text(_text(tag))
            if value and value not in tags:
                tags.append(value)
    question = ParsedQuestion(
        category=category,
        qtype="",
        text=text,
        title=name,
        general_feedback=general,
        line=q.line(element),
        points=points,
        text_format=text_format,
        general_feedback_format=general_format,
        idnumber=normalize_text(element.findtext("idnumber") or ""),
        tags=tags,
    )
    if not text:
        raise _Refused(_("câu hỏi không có nội dung."))
    kind = TYPES[kind]
    if kind == "description":
        question.qtype = "description"
        question.points = Decimal("0")
    elif kind == "essay":
        question.qtype = "essay"
    elif kind == "multichoice":
        _multichoice(question, q)
    elif kind == "true_false":
        _true_false(question, q)
    elif kind == "short":
        _short(question, q)
    elif kind == "numerical":
        _numerical(question, q)
    else:
        _matching(question, q)
    if question.qtype != "description" and not (0 < points < 10000):
        raise _Refused(
            _("điểm “%(value)s” phải lớn hơn 0 và nhỏ hơn 10000.")
            % {"value": raw_points}
        )
    if question.title == default_name(question.text, question.text_format):
        question.title = ""
    question.files = q.files
    return question


def parse(
    data: bytes, *, default_category: str = ""
) -> tuple[list[ParsedQuestion], list[GiftError]]:
    """Read a Moodle XML file (bytes, in the encoding it declares):
    (questions, errors). Nothing raises on bad input."""
    try:
        root, lines = _read_tree(data)
    except SyntaxError as error:  # ParseError of either ElementTree module
        return [], [
            GiftError(
                error.position[0],
                _("tệp XML không đọc được (%(reason)s).") % {"reason": error},
            )
        ]
    except DefusedXmlException:
        return [], [
            GiftError(
                0,
                _(
                    "tệp XML có khai báo DTD hoặc thực thể (entity): không nhận, "
                    "vì lý do an toàn."
                ),
            )
        ]
    if root.tag != "quiz":
        return [], [
            GiftError(
                lines.get(root, 1), _("tệp không phải Moodle XML (thiếu thẻ <quiz>).")
            )
        ]
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    category = _category_path(default_category)
    ordinal = 0
    for element in root.findall("question"):
        if element.attrib.get("type", "").strip() == "category":
            category = _category_path(_text(element.find("category")))
            if category == "top":
                # Moodle 3.5+ writes its context's top category first
                # ("$course$/top"); it holds no questions.
                category = _category_path(default_category)
                continue
            if not category:
                errors.append(
                    GiftError(lines.get(element, 0), _("tên nhóm câu hỏi trống."))
                )
            continue
        ordinal += 1
        try:
            question = _question(element, lines, category)
        except _Refused as refused:
            name = normalize_text(_text(element.find("name"))) or "?"
            errors.append(
                GiftError(
                    refused.line or lines.get(element, 0),
                    _("câu hỏi thứ %(n)s “%(name)s”: %(message)s")
                    % {"n": ordinal, "name": name, "message": refused.message},
                )
            )
            continue
        if not question.category:
            errors.append(
                GiftError(
                    question.line,
                    _(
                        "câu hỏi chưa thuộc nhóm nào: thêm câu hỏi loại category hoặc chọn nhóm."
                    ),
                )
            )
        questions.append(question)
    errors.extend(_duplicates(questions))
    errors.sort(key=lambda e: e.line)
    return questions, errors


# --- Writer -------------------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cdata(value: str) -> str:
    """``value`` for XML text: in CDATA when it has markup (as Moodle writes
    it); characters XML cannot hold are left out."""
    value = _NOT_XML.sub("", value)
    if not value or escape(value) == value:
        return value
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Writer:
    def __init__(self, media):
        self.media = media
        self.out: list[str] = []

    def payload(self, value: str, pad: str) -> list[str]:
        """``<text>`` and ``<file>`` lines for ``value``: our media URLs
        become ``@@PLUGINFILE@@/name``, each file embedded once."""
        files = []
        for name in media_names(value):
            data = self.media(name)
            if data is not None:
                encoded = base64.b64encode(data).decode("ascii")
                files.append(
                    f'{pad}<file name="{name}" path="/" encoding="base64">'
                    f"{encoded}</file>"
                )
        if files:
            value = media_replace(value, PLUGINFILE)
        return [f"{pad}<text>{_cdata(value)}</text>", *files]

    def text(self, tag: str, value: str, fmt: str, indent: int, extra: str = ""):
        pad = "  " * indent
        self.out.append(f"{pad}<{tag} format={quoteattr(FORMAT_OUT[fmt])}>")
        self.out.extend(self.payload(value, pad + "  "))
        if extra:
            self.out.append(extra)
        self.out.append(f"{pad}</{tag}>")

    def answer(self, c: ParsedChoice, fmt: str, extra: str = ""):
        fraction = _number_text(c.fraction)
        self.out.append(
            f'    <answer fraction="{fraction}" format={quoteattr(FORMAT_OUT[fmt])}>'
        )
        self.out.extend(self.payload(c.text, "      "))
        self.text("feedback", c.feedback, c.feedback_format, 3)
        if extra:
            self.out.append(extra)
        self.out.append("    </answer>")

    def question(self, q: ParsedQuestion) -> None:
        name = q.title or default_name(q.text, q.text_format)
        self.out.append(f'  <question type="{TYPE_OUT[q.qtype]}">')
        self.out.append(f"    <name>\n      <text>{_cdata(name)}</text>\n    </name>")
        self.text("questiontext", q.text, q.text_format, 2)
        self.text("generalfeedback", q.general_feedback, q.general_feedback_format, 2)
        self.out.append(f"    <defaultgrade>{_number_text(q.points)}</defaultgrade>")
        self.out.append(f"    <idnumber>{escape(q.idnumber)}</idnumber>")
        if q.qtype in ("single", "multiple"):
            single = "true" if q.qtype == "single" else "false"
            self.out.append(f"    <single>{single}</single>")
            self.out.append("    <shuffleanswers>true</shuffleanswers>")
            self.out.append("    <answernumbering>abc</answernumbering>")
            for c in q.choices:
                self.answer(c, c.text_format)
        elif q.qtype == "true_false":
            for word, c in zip(("true", "false"), q.choices, strict=False):
                self.answer(replace(c, text=word), "moodle")
        elif q.qtype == "short":
            self.out.append("    <usecase>0</usecase>")
            for c in q.choices:
                self.answer(c, "plain")
        elif q.qtype == "numerical":
            for c in q.choices:
                tolerance = _number_text(c.tolerance or Decimal("0"))
                self.answer(c, "plain", f"      <tolerance>{tolerance}</tolerance>")
        elif q.qtype == "matching":
            self.out.append("    <shuffleanswers>true</shuffleanswers>")
            for c in q.choices:
                answer = (
                    f"      <answer>\n        <text>{_cdata(c.match)}</text>\n"
                    "      </answer>"
                )
                self.text("subquestion", c.text, c.text_format, 2, answer)
        elif q.qtype == "essay":
            self.out.append("    <responseformat>editor</responseformat>")
            self.out.append("    <responserequired>1</responserequired>")
            self.out.append("    <responsefieldlines>15</responsefieldlines>")
            self.out.append("    <attachments>0</attachments>")
        if q.tags:
            self.out.append("    <tags>")
            for tag in q.tags:
                self.out.append(f"      <tag><text>{_cdata(tag)}</text></tag>")
            self.out.append("    </tags>")
        self.out.append("  </question>")


def write(questions: list[ParsedQuestion], *, media=lambda name: None) -> str:
    """Moodle XML for ``questions``: a category question at each change;
    files of our media the texts point to (``media(name)`` gives their
    bytes) embedded as base64."""
    writer = _Writer(media)
    writer.out.append('<?xml version="1.0" encoding="UTF-8"?>')
    writer.out.append("<quiz>")
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            writer.out.append('  <question type="category">')
            writer.out.append(
                f"    <category>\n      <text>{_cdata('$course$/top/' + category)}"
                "</text>\n    </category>"
            )
            writer.out.append("  </question>")
        writer.question(q)
    writer.out.append("</quiz>")
    return "\n".join(writer.out) + "\n"
