"""Questions from CSV or XLSX: one row per question.

Columns (first row, names as below, order free):

=================  ============================================================
``nhom``           category path, ``/`` nests ("ATTT cơ bản/Mật khẩu")
``loai``           ``mot_dap_an`` | ``nhieu_dap_an`` | ``dung_sai`` |
                   ``tra_loi_ngan`` | ``ghep_cap`` (the English codes
                   ``single``, ``multiple``, ``true_false``, ``short``,
                   ``matching`` also work)
``tieu_de``        short title (optional)
``noi_dung``       the question
``diem``           points (optional, default 1; decimal comma allowed)
``phuong_an_1``…   choices; for ``tra_loi_ngan`` the accepted answers; for
                   ``ghep_cap`` pairs written ``vế trái -> vế phải``
``dap_an``         ``mot_dap_an``: the number of the correct choice ("2");
                   ``nhieu_dap_an``: numbers separated by commas ("1,3");
                   ``dung_sai``: ``Đúng`` or ``Sai``
``nhan_xet``       general feedback (optional)
=================  ============================================================

Files are read by ``elearning.tabular`` (the platform's one reader): CSV in
UTF-8 with or without BOM, UTF-16, or Windows-1258, separated by commas,
semicolons or tabs, or XLSX; all text is NFC, and a file that cannot be
decoded is refused, never read with replacement characters.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from elearning.people.names import fold, normalize_text
from elearning.tabular import TabularError, decode_text, table_dicts

from .gift import GiftError, ParsedChoice, ParsedQuestion, _category_path
from .grading import default_multiple_weights

TYPES = {
    "mot_dap_an": "single",
    "nhieu_dap_an": "multiple",
    "dung_sai": "true_false",
    "tra_loi_ngan": "short",
    "ghep_cap": "matching",
    "single": "single",
    "multiple": "multiple",
    "true_false": "true_false",
    "short": "short",
    "matching": "matching",
}
MAX_ROWS = 5000


class TableRows(list):
    """Rows read from a file; ``error`` says why none could be read."""

    error: str = ""


def decode(data: bytes) -> str:
    """The text of a GIFT or CSV file (``elearning.tabular.decode_text``:
    strict, never replacing what it cannot read). Raises
    ``elearning.tabular.TabularError`` (a ``ValueError``)."""
    return decode_text(data)


def _rows(data: bytes) -> TableRows:
    try:
        _header, lines = table_dicts(data)
    except TabularError as exc:
        rows = TableRows()
        rows.error = str(exc)
        return rows
    return TableRows(row for _number, row in lines[: MAX_ROWS + 1])


def rows_from_csv(data: bytes) -> list[dict[str, str]]:
    return _rows(data)


def rows_from_xlsx(data: bytes) -> list[dict[str, str]]:
    return _rows(data)


def parse_rows(
    rows: list[dict[str, str]], *, default_category: str = ""
) -> tuple[list[ParsedQuestion], list[GiftError]]:
    questions: list[ParsedQuestion] = []
    errors: list[GiftError] = []
    if getattr(rows, "error", ""):
        return [], [GiftError(0, rows.error)]
    if len(rows) > MAX_ROWS:
        return [], [GiftError(1, _("tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})]
    for number, raw in enumerate(rows, start=2):
        row = {
            (k or "").strip().lower(): normalize_text(v or "") for k, v in raw.items()
        }
        if not any(row.values()):
            continue

        def fail(message: str, number: int = number) -> None:
            errors.append(GiftError(number, message))

        qtype = TYPES.get(row.get("loai", "").lower())
        if qtype is None:
            fail(_("loại câu hỏi “%(v)s” không hợp lệ.") % {"v": row.get("loai", "")})
            continue
        text = row.get("noi_dung", "")
        if not text:
            fail(_("thiếu nội dung câu hỏi."))
            continue
        category = _category_path(row.get("nhom", "") or default_category)
        if not category:
            fail(_("thiếu nhóm câu hỏi."))
            continue
        options = [
            row[k]
            for k in sorted(
                (k for k in row if re.fullmatch(r"phuong_an_\d+", k)),
                key=lambda k: int(k.rsplit("_", 1)[1]),
            )
            if row[k]
        ]
        answer = row.get("dap_an", "")
        q = ParsedQuestion(
            category=category,
            qtype=qtype,
            text=text,
            title=row.get("tieu_de", ""),
            general_feedback=row.get("nhan_xet", ""),
            line=number,
        )
        points = row.get("diem", "").replace(",", ".")
        if points:
            try:
                value = Decimal(points)
                if not value.is_finite() or value <= 0:
                    raise InvalidOperation
                q.points = value
            except InvalidOperation:
                fail(_("điểm “%(v)s” không hợp lệ.") % {"v": row.get("diem")})
                continue
        if qtype == "true_false":
            word = fold(answer)
            if word not in ("dung", "sai", "t", "f", "true", "false"):
                fail(_("đáp án câu đúng/sai phải là “Đúng” hoặc “Sai”."))
                continue
            truth = word in ("dung", "t", "true")
            q.choices = [
                ParsedChoice(_("Đúng"), Decimal(100 if truth else 0)),
                ParsedChoice(_("Sai"), Decimal(0 if truth else 100)),
            ]
        elif qtype in ("single", "multiple"):
            if len(options) < 2:
                fail(_("cần ít nhất 2 phương án."))
                continue
            try:
                picked = {int(p) for p in re.split(r"[,;\s]+", answer) if p}
            except ValueError:
                picked = set()
            if not picked or not all(1 <= p <= len(options) for p in picked):
                fail(
                    _("đáp án “%(v)s” phải là số thứ tự phương án (1–%(n)s).")
                    % {"v": answer, "n": len(options)}
                )
                continue
            if qtype == "single" and len(picked) != 1:
                fail(_("câu một đáp án đúng chỉ có một số ở cột dap_an."))
                continue
            correct = [i + 1 in picked for i in range(len(options))]
            if qtype == "single":
                weights = [Decimal(100 if ok else 0) for ok in correct]
            else:
                weights = default_multiple_weights(correct)
            q.choices = [
                ParsedChoice(t, w) for t, w in zip(options, weights, strict=True)
            ]
        elif qtype == "short":
            if not options:
                fail(_("cần ít nhất một câu trả lời được chấp nhận."))
                continue
            q.choices = [ParsedChoice(t, Decimal(100)) for t in options]
        else:
            pairs = []
            for option in options:
                left, arrow, right = option.partition("->")
                if not arrow or not left.strip() or not right.strip():
                    fail(
                        _("cặp ghép “%(v)s” phải viết dạng trái -> phải.")
                        % {"v": option}
                    )
                    break
                pairs.append(ParsedChoice(left.strip(), Decimal(0), "", right.strip()))
            else:
                if len(pairs) < 2:
                    fail(_("câu ghép cặp cần ít nhất 2 cặp."))
                    continue
                q.choices = pairs
            if not q.choices:
                continue
        questions.append(q)
    return questions, errors
