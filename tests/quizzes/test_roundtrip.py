"""Round trips: a bank with every question type and text format exported,
imported into an emptied bank (and, for Moodle XML, emptied media), and
stored exactly as before."""

import base64
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from quizzes import gift, moodlexml
from quizzes.gift import ParsedChoice as C
from quizzes.gift import ParsedQuestion as Q
from quizzes.media import MEDIA_DIR, media_path, media_read
from quizzes.models import Question, QuestionCategory
from quizzes.services import (
    question_file_format,
    question_to_parsed,
    questions_import,
    questions_parse_file,
)

pytestmark = pytest.mark.django_db
D = Decimal
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)
PNG_PATH = media_path(PNG, "png")
PNG_URL = settings.MEDIA_URL + PNG_PATH


def bank(points: Decimal) -> list[Q]:
    """Every type, every format, feedback, tags, id numbers; ``points`` for
    the questions that carry their own (GIFT has no points: 1)."""
    return [
        Q(
            "ATTT/Mật khẩu",
            "single",
            "<p>Mật khẩu nào <b>mạnh</b> nhất?</p>",
            title="Mật khẩu mạnh",
            text_format="html",
            points=points,
            general_feedback="Dài, **khó đoán**.",
            general_feedback_format="markdown",
            idnumber="MK-01",
            tags=["mật khẩu", "cơ bản"],
            choices=[
                C("123456", D("0"), "Quá dễ", text_format="plain"),
                C("Tr0ng-Dong-Nai!2026", D("100"), "*Đúng*", "", "moodle", "markdown"),
                C("<i>matkhau</i>", D("0"), "", "", "html", "html"),
            ],
        ),
        Q(
            "ATTT/Mật khẩu",
            "multiple",
            "Chọn các việc nên làm\nkhi nhận thư lạ:",
            text_format="moodle",
            choices=[
                C("Kiểm tra người gửi", D("50"), "", "", "moodle", "moodle"),
                C("Báo cán bộ phụ trách", D("50"), "", "", "moodle", "moodle"),
                C("Mở tệp đính kèm", D("-100"), "Không bao giờ", "", "moodle", "plain"),
            ],
        ),
        Q(
            "ATTT/Mật khẩu",
            "true_false",
            "Có nên dùng chung mật khẩu?",
            title="Dùng chung",
            text_format="plain",
            general_feedback="Không.",
            choices=[
                C("Đúng", D("0"), "Sai rồi", feedback_format="plain"),
                C("Sai", D("100"), "Chính xác", feedback_format="plain"),
            ],
        ),
        Q(
            "ATTT/Mã độc",
            "short",
            "Phần mềm độc hại gọi là gì?",
            title="Mã độc",
            text_format="moodle",
            points=points,
            choices=[
                C("mã độc", D("100"), "", "", "plain", "moodle"),
                C("virus", D("50"), "gần đúng", "", "plain", "moodle"),
                C("*", D("0"), "Chưa đúng", "", "plain", "moodle"),
            ],
        ),
        Q(
            "ATTT/Mã độc",
            "numerical",
            "Mật khẩu nên dài tối thiểu bao nhiêu ký tự?",
            title="Độ dài",
            text_format="moodle",
            choices=[
                C("12", D("100"), "Đúng", "", "plain", "moodle", D("0")),
                C("10", D("50"), "", "", "plain", "moodle", D("1.5")),
                C("*", D("0"), "Sai", "", "plain", "moodle", D("0")),
            ],
        ),
        Q(
            "ATTT/Mã độc",
            "matching",
            "Ghép thuật ngữ với nghĩa:",
            title="Thuật ngữ",
            text_format="moodle",
            choices=[
                C("USB", D("0"), "", "thiết bị", "moodle", "plain"),
                C("<b>VPN</b>", D("0"), "", "mạng riêng ảo", "html", "plain"),
                C("", D("0"), "", "máy in", "moodle", "plain"),
            ],
        ),
        Q(
            "ATTT",
            "essay",
            f"Trình bày quy trình **xử lý sự cố** theo sơ đồ:\n\n![sơ đồ]({PNG_URL})",
            title="Tự luận",
            text_format="markdown",
            points=points,
            general_feedback="<p>Chấm theo 3 ý.</p>",
            general_feedback_format="html",
            tags=["tự luận"],
            files={PNG_PATH: PNG},
        ),
        Q(
            "ATTT",
            "description",
            "Đọc kỹ đoạn sau.\n<pre>  giữ   khoảng trắng</pre>",
            title="Đoạn đọc",
            text_format="moodle",
            points=D("0"),
        ),
    ]


def stored_keys() -> list[tuple]:
    return sorted(
        question_to_parsed(q).key()
        for q in Question.objects.select_related("category").prefetch_related(
            "choices", "tags"
        )
    )


def empty_the_bank() -> None:
    Question.objects.all().delete()
    while QuestionCategory.objects.exists():
        QuestionCategory.objects.filter(children=None).delete()


def export_all() -> list[Q]:
    questions = Question.objects.select_related("category").order_by(
        "category_id", "pk"
    )
    return [question_to_parsed(q) for q in questions]


def test_gift_round_trip_of_every_type_and_format():
    report = questions_import(questions=bank(D("1")))
    assert report.ok and report.created == 8
    before = stored_keys()
    data = gift.write(export_all()).encode()
    empty_the_bank()
    assert question_file_format(data) == "gift"
    questions, errors = questions_parse_file(name="ngan-hang.gift.txt", data=data)
    assert errors == []
    assert questions_import(questions=questions).created == 8
    assert stored_keys() == before


def test_moodle_xml_round_trip_of_every_type_format_and_image():
    questions, errors = moodlexml.parse(
        (
            '<?xml version="1.0"?><quiz><question type="category"><category>'
            "<text>ATTT/Ảnh</text></category></question>"
            '<question type="description"><name><text>Ảnh</text></name>'
            '<questiontext format="html"><text><![CDATA[<p><img '
            'src="@@PLUGINFILE@@/a.png" alt="một điểm"></p>]]></text>'
            f'<file name="a.png" encoding="base64">{base64.b64encode(PNG).decode()}'
            "</file></questiontext></question></quiz>"
        ).encode()
    )
    assert errors == []
    report = questions_import(questions=bank(D("2.5")) + questions)
    assert report.ok and report.created == 9
    before = stored_keys()
    data = moodlexml.write(export_all(), media=media_read).encode()
    empty_the_bank()
    (path,) = questions[0].files
    assert path == PNG_PATH  # the same picture as the essay's: one file
    default_storage.delete(path)
    assert not default_storage.listdir(MEDIA_DIR)[1]
    assert "@@PLUGINFILE@@/" in data.decode() and PNG_URL not in data.decode()
    assert question_file_format(data) == "moodlexml"
    again, errors = questions_parse_file(name="ngan-hang.xml", data=data)
    assert errors == []
    assert questions_import(questions=again).created == 9
    assert stored_keys() == before
    with default_storage.open(path, "rb") as handle:
        assert handle.read() == PNG
    # And once more: nothing changes.
    report = questions_import(questions=moodlexml.parse(data)[0])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 9)


def test_moodle_xml_round_trip_of_moodles_own_gift_examples():
    """Moodle's GIFT examples, stored, exported as XML and read back."""
    source = (
        Path(__file__).resolve().parents[1] / "data" / "moodle-gift" / "examples.txt"
    ).read_text(encoding="utf-8")
    questions, errors = gift.parse(source, default_category="Moodle")
    assert errors == []
    questions_import(questions=questions)
    before = stored_keys()
    data = moodlexml.write(export_all(), media=media_read).encode()
    empty_the_bank()
    again, errors = moodlexml.parse(data)
    assert errors == []
    questions_import(questions=again)
    assert stored_keys() == before
